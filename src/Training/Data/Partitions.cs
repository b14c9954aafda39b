using SignActors.Training.Randomness;

namespace SignActors.Training.Data;

public enum PartitionKind { Iid, LabelSkew, Dirichlet }

/// <summary>How training records are dealt to nodes (SPEC §8).</summary>
public sealed record PartitionSpec(PartitionKind Kind, int ClassesPerNode = 0, double Alpha = 0)
{
    public static PartitionSpec Iid { get; } = new(PartitionKind.Iid);
    public static PartitionSpec LabelSkew(int classesPerNode) => new(PartitionKind.LabelSkew, ClassesPerNode: classesPerNode);
    public static PartitionSpec Dirichlet(double alpha) => new(PartitionKind.Dirichlet, Alpha: alpha);

    public static IReadOnlyList<string> Names { get; } = new[] { "iid", "label-skew", "dirichlet" };

    public override string ToString() => Kind switch
    {
        PartitionKind.LabelSkew => $"label-skew({ClassesPerNode} classes per node)",
        PartitionKind.Dirichlet => $"dirichlet(α={Alpha})",
        _ => "iid",
    };
}

/// <summary>One node's shard: record indices into the training set, ascending.</summary>
public sealed record Shard(int Node, int[] Records, int[] Classes)
{
    public override string ToString() => $"node {Node}: {Records.Length:N0} records, {Classes.Length} classes";
}

/// <summary>
/// Deals every training record to exactly one node, from the run seed's Partition stream only.
/// <list type="bullet">
/// <item><c>iid</c>: a seeded shuffle cut into n nearly equal parts.</item>
/// <item><c>label-skew(k)</c>: the classes in a seeded order π; node i holds classes
///   π[(i·k + j) mod C], j &lt; k — exactly k distinct classes each, every class held by at least
///   one node when n·k ≥ C (required) — and each class's records, shuffled, are cut evenly among
///   the nodes that hold it.</item>
/// <item><c>dirichlet(α)</c>: per class, proportions q ~ Dir(α, …, α) over the nodes; the class's
///   shuffled records are cut at the rounded cumulative proportions. Small α concentrates each
///   class on few nodes; large α approaches iid.</item>
/// </list>
/// </summary>
public static class Partitioner
{
    public static Shard[] Assign(IReadOnlyList<int> labels, int classes, int nodes, PartitionSpec spec, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        Validate(spec, classes, nodes);
        var s = new RandomStream(StreamKey.ForRun(seed, StreamPurpose.Partition));
        var byNode = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
        switch (spec.Kind)
        {
            case PartitionKind.Iid:
            {
                var all = Enumerable.Range(0, labels.Count).ToArray();
                Shuffle(all, ref s);
                Cut(all, nodes, (part, records) => byNode[part].AddRange(records));
                break;
            }
            case PartitionKind.LabelSkew:
            {
                var order = Enumerable.Range(0, classes).ToArray();
                Shuffle(order, ref s);
                var holders = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
                for (int i = 0; i < nodes; i++)
                    for (int j = 0; j < spec.ClassesPerNode; j++)
                        holders[order[(i * spec.ClassesPerNode + j) % classes]].Add(i);
                foreach (var (c, records) in RecordsByClass(labels, classes, ref s))
                    Cut(records, holders[c].Count, (part, chunk) => byNode[holders[c][part]].AddRange(chunk));
                break;
            }
            case PartitionKind.Dirichlet:
            {
                var weights = new double[nodes];
                foreach (var (_, records) in RecordsByClass(labels, classes, ref s))
                {
                    double total = 0;
                    for (int i = 0; i < nodes; i++) total += weights[i] = s.NextGamma(spec.Alpha);
                    int start = 0;
                    double cumulative = 0;
                    for (int i = 0; i < nodes; i++)
                    {
                        cumulative += weights[i];
                        int end = i == nodes - 1 ? records.Length : (int)Math.Round(records.Length * (cumulative / total));
                        byNode[i].AddRange(records[start..Math.Max(start, end)]);
                        start = Math.Max(start, end);
                    }
                }
                break;
            }
        }
        return byNode.Select((records, i) =>
        {
            var sorted = records.ToArray();
            Array.Sort(sorted);
            var distinct = sorted.Select(r => labels[r]).Distinct().Order().ToArray();
            return new Shard(i, sorted, distinct);
        }).ToArray();
    }

    public static void Validate(PartitionSpec spec, int classes, int nodes)
    {
        switch (spec.Kind)
        {
            case PartitionKind.LabelSkew when spec.ClassesPerNode < 1 || spec.ClassesPerNode > classes:
                throw new ArgumentOutOfRangeException(nameof(spec), $"label-skew: classes-per-node must be in 1..{classes}, got {spec.ClassesPerNode}");
            case PartitionKind.LabelSkew when (long)nodes * spec.ClassesPerNode < classes:
                throw new ArgumentOutOfRangeException(nameof(spec),
                    $"label-skew: {nodes} nodes × {spec.ClassesPerNode} classes-per-node = {nodes * spec.ClassesPerNode} < {classes} classes, so some records would belong to no node; raise classes-per-node to ≥ {(classes + nodes - 1) / nodes}");
            case PartitionKind.Dirichlet when !(spec.Alpha > 0) || double.IsInfinity(spec.Alpha):
                throw new ArgumentOutOfRangeException(nameof(spec), $"dirichlet: alpha must be positive and finite, got {spec.Alpha}");
        }
    }

    /// <summary>Each class's records in a seeded order, classes ascending.</summary>
    static IEnumerable<(int Class, int[] Records)> RecordsByClass(IReadOnlyList<int> labels, int classes, ref RandomStream s)
    {
        var lists = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (int r = 0; r < labels.Count; r++)
        {
            if ((uint)labels[r] >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), $"record {r} has label {labels[r]} outside [0, {classes})");
            lists[labels[r]].Add(r);
        }
        var result = new (int, int[])[classes];
        for (int c = 0; c < classes; c++)
        {
            var records = lists[c].ToArray();
            Shuffle(records, ref s);
            result[c] = (c, records);
        }
        return result;
    }

    /// <summary>Fisher–Yates with the stream's unbiased integers.</summary>
    public static void Shuffle(int[] items, ref RandomStream s)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = s.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Cuts items into parts of sizes differing by at most one, the larger first.</summary>
    static void Cut(int[] items, int parts, Action<int, ArraySegment<int>> take)
    {
        int start = 0;
        for (int p = 0; p < parts; p++)
        {
            int size = items.Length / parts + (p < items.Length % parts ? 1 : 0);
            take(p, new ArraySegment<int>(items, start, size));
            start += size;
        }
    }
}
