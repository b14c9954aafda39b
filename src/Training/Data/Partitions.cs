using SignActors.Training.Randomness;

namespace SignActors.Training.Data;

public enum PartitionKind { Iid, LabelSkew, Shards, Dirichlet, Natural }

/// <summary>How training records are dealt to nodes (SPEC §8).</summary>
/// <param name="ClassesPerNode">label-skew's k; 0 = auto, ⌈C/n⌉ for the C classes present.</param>
/// <param name="ShardsPerNode">shards' s.</param>
public sealed record PartitionSpec(PartitionKind Kind, int ClassesPerNode = 0, double Alpha = 0, int ShardsPerNode = 0)
{
    public static PartitionSpec Iid { get; } = new(PartitionKind.Iid);
    public static PartitionSpec LabelSkew(int classesPerNode) => new(PartitionKind.LabelSkew, ClassesPerNode: classesPerNode);
    public static PartitionSpec Shards(int shardsPerNode) => new(PartitionKind.Shards, ShardsPerNode: shardsPerNode);
    public static PartitionSpec Dirichlet(double alpha) => new(PartitionKind.Dirichlet, Alpha: alpha);

    /// <summary>The data's own clients (<see cref="Partitioner.Natural"/>): one node per client id.</summary>
    public static PartitionSpec Natural { get; } = new(PartitionKind.Natural);

    /// <summary>label-skew's k for <paramref name="classes"/> classes present and <paramref name="nodes"/> nodes.</summary>
    public int ClassesPerNodeFor(int classes, int nodes) => ClassesPerNode > 0 ? ClassesPerNode : (classes + nodes - 1) / nodes;

    /// <summary>This spec with `auto` replaced by its value for <paramref name="classes"/> classes present and <paramref name="nodes"/> nodes.</summary>
    public PartitionSpec Resolve(int classes, int nodes) => Kind == PartitionKind.LabelSkew ? this with { ClassesPerNode = ClassesPerNodeFor(classes, nodes) } : this;

    public override string ToString() => Kind switch
    {
        PartitionKind.LabelSkew => ClassesPerNode > 0 ? $"label-skew({ClassesPerNode} classes per node)" : "label-skew(auto classes per node)",
        PartitionKind.Shards => $"shards({ShardsPerNode} per node)",
        PartitionKind.Dirichlet => $"dirichlet(α={Alpha})",
        PartitionKind.Natural => "natural",
        _ => "iid",
    };
}

/// <summary>One node's shard: record indices into the training set, ascending.</summary>
public sealed record Shard(int Node, int[] Records, int[] Classes)
{
    public override string ToString() => $"node {Node}: {Records.Length:N0} records, {Classes.Length} classes";
}

/// <summary>
/// Deals every training record (every one of <c>eligible</c>, when a validation split holds some
/// back) to exactly one node, from the run seed's Partition stream only. Partitions work on the C
/// classes present among those records, whatever their label values.
/// <list type="bullet">
/// <item><c>iid</c>: a seeded shuffle cut into n nearly equal parts.</item>
/// <item><c>label-skew(k)</c>: the present classes in a seeded order π; node i holds classes
///   π[(i·k + j) mod C], j &lt; k — exactly k distinct classes each, every class held by at least
///   one node (n·k ≥ C and k ≤ C are required) — and each class's records, shuffled, are cut evenly
///   among the nodes that hold it.</item>
/// <item><c>shards(s)</c> (McMahan et al. 2017): the records sorted by label (seeded order within a
///   class), cut into n·s equal shards; node i takes the shards a seeded permutation gives it, s each.</item>
/// <item><c>dirichlet(α)</c>: per class, proportions q ~ Dir(α, …, α) over the nodes; the class's
///   shuffled records are cut at the rounded cumulative proportions. Small α concentrates each
///   class on few nodes; large α approaches iid.</item>
/// </list>
/// </summary>
public static class Partitioner
{
    /// <param name="labels">Labels of every training record.</param>
    /// <param name="eligible">The records to deal (ascending); null = all of them.</param>
    public static Shard[] Assign(IReadOnlyList<int> labels, int nodes, PartitionSpec spec, ulong seed, int[]? eligible = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        if (spec.Kind == PartitionKind.Natural) throw new ArgumentException("natural: the partition comes from the data's client ids (Partitioner.Natural)", nameof(spec));
        var records = eligible ?? Enumerable.Range(0, labels.Count).ToArray();
        var classes = ClassesPresent(labels, records);
        Validate(spec, classes.Length, records.Length, nodes);
        var s = new RandomStream(StreamKey.ForRun(seed, StreamPurpose.Partition));
        var byNode = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
        switch (spec.Kind)
        {
            case PartitionKind.Iid:
            {
                var all = (int[])records.Clone();
                Shuffle(all, ref s);
                Cut(all, nodes, (part, chunk) => byNode[part].AddRange(chunk));
                break;
            }
            case PartitionKind.LabelSkew:
            {
                int k = spec.ClassesPerNodeFor(classes.Length, nodes);
                var order = Enumerable.Range(0, classes.Length).ToArray(); // positions in `classes`
                Shuffle(order, ref s);
                var holders = Enumerable.Range(0, classes.Length).Select(_ => new List<int>()).ToArray();
                for (int i = 0; i < nodes; i++)
                    for (int j = 0; j < k; j++)
                        holders[order[(i * k + j) % classes.Length]].Add(i);
                foreach (var (c, members) in RecordsByClass(labels, records, classes, ref s))
                    Cut(members, holders[c].Count, (part, chunk) => byNode[holders[c][part]].AddRange(chunk));
                break;
            }
            case PartitionKind.Shards:
            {
                var sorted = RecordsByClass(labels, records, classes, ref s).SelectMany(x => x.Records).ToArray();
                var shards = new List<ArraySegment<int>>();
                Cut(sorted, nodes * spec.ShardsPerNode, (_, chunk) => shards.Add(chunk));
                var permutation = Enumerable.Range(0, shards.Count).ToArray();
                Shuffle(permutation, ref s);
                for (int p = 0; p < permutation.Length; p++) byNode[p / spec.ShardsPerNode].AddRange(shards[permutation[p]]);
                break;
            }
            case PartitionKind.Dirichlet:
            {
                var weights = new double[nodes];
                foreach (var (_, members) in RecordsByClass(labels, records, classes, ref s))
                {
                    double total = 0;
                    for (int i = 0; i < nodes; i++) total += weights[i] = s.NextGamma(spec.Alpha);
                    int start = 0;
                    double cumulative = 0;
                    for (int i = 0; i < nodes; i++)
                    {
                        cumulative += weights[i];
                        int end = i == nodes - 1 ? members.Length : (int)Math.Round(members.Length * (cumulative / total));
                        byNode[i].AddRange(members[start..Math.Max(start, end)]);
                        start = Math.Max(start, end);
                    }
                }
                break;
            }
        }
        return byNode.Select((assigned, i) =>
        {
            var sortedRecords = assigned.ToArray();
            Array.Sort(sortedRecords);
            var distinct = sortedRecords.Select(r => labels[r]).Distinct().Order().ToArray();
            return new Shard(i, sortedRecords, distinct);
        }).ToArray();
    }

    /// <summary>
    /// The data's own partition: one node per client id, nodes in ascending id order (the smallest
    /// id is node 0), each holding its client's records among <paramref name="eligible"/> (all
    /// records when null). The count is the distinct ids over every record, so a client whose
    /// records the validation split took entirely is refused, not silently dropped.
    /// </summary>
    /// <param name="clients">The client id of every training record (train_clients.npy).</param>
    public static Shard[] Natural(IReadOnlyList<int> labels, IReadOnlyList<long> clients, int[]? eligible = null)
    {
        if (clients.Count != labels.Count) throw new DataFileException($"{clients.Count:N0} client ids for {labels.Count:N0} training records");
        var ids = clients.Distinct().Order().ToArray();
        var node = new Dictionary<long, int>(ids.Length);
        for (int i = 0; i < ids.Length; i++) node[ids[i]] = i;
        var byNode = Enumerable.Range(0, ids.Length).Select(_ => new List<int>()).ToArray();
        foreach (int r in eligible ?? Enumerable.Range(0, labels.Count)) byNode[node[clients[r]]].Add(r);
        for (int i = 0; i < ids.Length; i++)
            if (byNode[i].Count == 0) throw new DataFileException($"client id {ids[i]} (node {i}) has no training records left after the validation split");
        return byNode.Select((records, i) => new Shard(i, records.Order().ToArray(), records.Select(r => labels[r]).Distinct().Order().ToArray())).ToArray();
    }

    /// <summary>How many nodes the natural partition makes: the distinct client ids.</summary>
    public static int NaturalNodes(IReadOnlyList<long> clients) => clients.Distinct().Count();

    /// <summary>The distinct labels among <paramref name="records"/>, ascending.</summary>
    public static int[] ClassesPresent(IReadOnlyList<int> labels, IReadOnlyList<int> records)
    {
        var seen = new SortedSet<int>();
        foreach (int r in records) seen.Add(labels[r]);
        return seen.ToArray();
    }

    /// <summary>Checks <paramref name="spec"/> against the data: <paramref name="classes"/> classes present in <paramref name="records"/> records.</summary>
    public static void Validate(PartitionSpec spec, int classes, int records, int nodes)
    {
        ValidateShape(spec);
        switch (spec.Kind)
        {
            case PartitionKind.LabelSkew when spec.ClassesPerNode > classes:
                throw new ArgumentOutOfRangeException(nameof(spec), $"label-skew: classes-per-node = {spec.ClassesPerNode}, but the training data has only {classes} classes");
            case PartitionKind.LabelSkew when (long)nodes * spec.ClassesPerNodeFor(classes, nodes) < classes:
                throw new ArgumentOutOfRangeException(nameof(spec),
                    $"label-skew: {nodes} nodes × {spec.ClassesPerNode} classes-per-node = {nodes * spec.ClassesPerNode} < {classes} classes present, so some records would belong to no node; raise classes-per-node to ≥ {(classes + nodes - 1) / nodes}");
            case PartitionKind.Shards when (long)nodes * spec.ShardsPerNode > records:
                throw new ArgumentOutOfRangeException(nameof(spec), $"shards: {nodes} nodes × {spec.ShardsPerNode} shards-per-node = {(long)nodes * spec.ShardsPerNode} shards of {records} training records; use fewer shards");
            case PartitionKind.Iid when nodes > records:
                throw new ArgumentOutOfRangeException(nameof(spec), $"iid: {nodes} nodes for {records} training records");
        }
    }

    /// <summary>The checks that need no data (config time).</summary>
    public static void ValidateShape(PartitionSpec spec)
    {
        switch (spec.Kind)
        {
            case PartitionKind.LabelSkew when spec.ClassesPerNode < 0:
                throw new ArgumentOutOfRangeException(nameof(spec), $"label-skew: classes-per-node must be ≥ 1 or auto, got {spec.ClassesPerNode}");
            case PartitionKind.Shards when spec.ShardsPerNode < 1:
                throw new ArgumentOutOfRangeException(nameof(spec), $"shards: shards-per-node must be ≥ 1, got {spec.ShardsPerNode}");
            case PartitionKind.Dirichlet when !(spec.Alpha > 0) || double.IsInfinity(spec.Alpha):
                throw new ArgumentOutOfRangeException(nameof(spec), $"dirichlet: alpha must be positive and finite, got {spec.Alpha}");
        }
    }

    /// <summary>Each present class's records (index into <paramref name="classes"/>) in a seeded order, classes ascending.</summary>
    static (int Class, int[] Records)[] RecordsByClass(IReadOnlyList<int> labels, int[] records, int[] classes, ref RandomStream s)
    {
        var position = new Dictionary<int, int>();
        for (int c = 0; c < classes.Length; c++) position[classes[c]] = c;
        var lists = classes.Select(_ => new List<int>()).ToArray();
        foreach (int r in records) lists[position[labels[r]]].Add(r);
        var result = new (int, int[])[classes.Length];
        for (int c = 0; c < classes.Length; c++)
        {
            var members = lists[c].ToArray();
            Shuffle(members, ref s);
            result[c] = (c, members);
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
