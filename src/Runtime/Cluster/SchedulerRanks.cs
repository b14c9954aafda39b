using System.Text;
using Akka.Configuration;

namespace SignActors.Runtime.Cluster;

/// <summary>
/// What a job scheduler's environment says about this process (issue: at home in its ecosystem,
/// §4), as pure functions: Slurm's compressed host lists, and which node ids a rank runs. Rank 0
/// is the server; ranks 1…W−1 are the workers, each with a contiguous, even share of the n nodes.
/// </summary>
public static class SchedulerRanks
{
    /// <summary>
    /// Expands a Slurm host list: <c>n[01-03,07],login</c> → n01, n02, n03, n07, login. Each
    /// bracket holds numbers and ranges (zero padding is kept, at the width of the range's start);
    /// several brackets in one name expand left to right (<c>r[1-2]n[1-2]</c> → r1n1, r1n2, r2n1, r2n2).
    /// </summary>
    public static IReadOnlyList<string> ExpandHostList(string list)
    {
        var hosts = new List<string>();
        foreach (var item in SplitTopLevel(list))
        {
            if (item.Length == 0) throw Bad(list, "an empty host name");
            var names = new List<string> { "" };
            int at = 0;
            while (at < item.Length)
            {
                int open = item.IndexOf('[', at);
                if (open < 0) { names = names.Select(n => n + item[at..]).ToList(); break; }
                int close = item.IndexOf(']', open);
                if (close < 0) throw Bad(list, $"'[' at {item} is not closed");
                string prefix = item[at..open];
                var values = Range(list, item[(open + 1)..close]);
                names = names.SelectMany(n => values.Select(v => n + prefix + v)).ToList();
                at = close + 1;
            }
            if (names.Any(n => n.Contains(']'))) throw Bad(list, $"']' in {item} closes nothing");
            hosts.AddRange(names);
        }
        return hosts;
    }

    /// <summary>
    /// The node ids worker <paramref name="rank"/> runs (1 ≤ rank &lt; <paramref name="worldSize"/>):
    /// [⌊(rank−1)·n/W⌋, ⌊rank·n/W⌋) with W = worldSize − 1 workers, so shares differ by at most one node.
    /// </summary>
    public static int[] NodeShare(int rank, int worldSize, int nodes)
    {
        if (worldSize < 2) throw new ConfigurationException($"world size {worldSize}: a federation needs the server (rank 0) and at least one worker");
        if (rank < 1 || rank >= worldSize) throw new ConfigurationException($"rank {rank} is not a worker rank (1..{worldSize - 1}; rank 0 is the server)");
        int workers = worldSize - 1;
        if (workers > nodes) throw new ConfigurationException($"{workers} worker ranks for {nodes} nodes: a worker would run none; use at most {nodes + 1} tasks");
        long from = (long)(rank - 1) * nodes / workers, to = (long)rank * nodes / workers;
        return Enumerable.Range((int)from, (int)(to - from)).ToArray();
    }

    /// <summary>
    /// Where this process stands in a launched federation, from its environment: Slurm's
    /// <c>SLURM_PROCID</c>, <c>SLURM_NTASKS</c> and <c>SLURM_NODELIST</c> (the server on the list's
    /// first host), else torchrun's <c>RANK</c>, <c>WORLD_SIZE</c> and <c>MASTER_ADDR</c>.
    /// <c>MASTER_PORT</c>, when set, is the server's port in either case (else the config's).
    /// </summary>
    public static LaunchPlace FromEnvironment(IReadOnlyDictionary<string, string> env)
    {
        int? port = env.ContainsKey("MASTER_PORT") ? Number(env, "MASTER_PORT", 1, 65535) : null;
        if (env.ContainsKey("SLURM_PROCID") && env.ContainsKey("SLURM_NTASKS"))
        {
            string list = env.GetValueOrDefault("SLURM_NODELIST") ?? env.GetValueOrDefault("SLURM_JOB_NODELIST")
                ?? throw new ConfigurationException("SLURM_PROCID and SLURM_NTASKS are set but SLURM_NODELIST is not: where is rank 0?");
            var place = new LaunchPlace(Number(env, "SLURM_PROCID", 0, int.MaxValue), Number(env, "SLURM_NTASKS", 1, int.MaxValue), ExpandHostList(list)[0], port, "slurm");
            return place.Checked();
        }
        if (env.ContainsKey("RANK") && env.ContainsKey("WORLD_SIZE"))
        {
            string host = env.GetValueOrDefault("MASTER_ADDR") is { Length: > 0 } a ? a
                : throw new ConfigurationException("RANK and WORLD_SIZE are set but MASTER_ADDR is not: where is rank 0?");
            return new LaunchPlace(Number(env, "RANK", 0, int.MaxValue), Number(env, "WORLD_SIZE", 1, int.MaxValue), host, port, "torchrun").Checked();
        }
        throw new ConfigurationException("no scheduler environment: expected SLURM_PROCID, SLURM_NTASKS and SLURM_NODELIST (srun), or RANK, WORLD_SIZE and MASTER_ADDR (torchrun style)");
    }

    /// <summary>
    /// The address a worker listens on: Slurm's <c>SLURMD_NODENAME</c> (the node it runs on); the
    /// server's own address when that is loopback (one machine); else the machine's name.
    /// </summary>
    public static string WorkerHost(LaunchPlace place, IReadOnlyDictionary<string, string> env, string machineName)
    {
        if (env.GetValueOrDefault("SLURMD_NODENAME") is { Length: > 0 } node) return node;
        if (IsLoopback(place.ServerHost)) return place.ServerHost;
        return machineName;
    }

    static bool IsLoopback(string host) =>
        host == "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));

    static int Number(IReadOnlyDictionary<string, string> env, string name, int min, int max) =>
        int.TryParse(env[name], out int v) && v >= min && v <= max ? v
            : throw new ConfigurationException($"{name}=\"{env[name]}\" is not a whole number in {min}..{max}");

    /// <summary>Splits at the commas outside brackets.</summary>
    static IEnumerable<string> SplitTopLevel(string list)
    {
        var item = new StringBuilder();
        int depth = 0;
        foreach (char c in list.Trim())
        {
            if (c == '[') depth++;
            if (c == ']') depth = Math.Max(0, depth - 1); // a stray ']' is reported by the caller
            if (c == ',' && depth == 0) { yield return item.ToString(); item.Clear(); }
            else item.Append(c);
        }
        yield return item.ToString();
    }

    /// <summary>"01-03,07" → 01, 02, 03, 07.</summary>
    static IEnumerable<string> Range(string list, string body)
    {
        var values = new List<string>();
        foreach (var part in body.Split(','))
        {
            var ends = part.Split('-');
            if (ends.Length > 2 || ends.Any(e => e.Length == 0 || !e.All(char.IsAsciiDigit)))
                throw Bad(list, $"[{body}] holds '{part}', not a number or a range like 01-03");
            long first = long.Parse(ends[0]), last = long.Parse(ends[^1]);
            if (last < first) throw Bad(list, $"the range {part} runs backwards");
            if (last - first >= 100_000) throw Bad(list, $"the range {part} names more than 100,000 hosts");
            for (long v = first; v <= last; v++) values.Add(v.ToString().PadLeft(ends[0].Length, '0'));
        }
        return values;
    }

    static ConfigurationException Bad(string list, string what) => new($"host list \"{list}\": {what}");
}

/// <summary>This process's rank in a launched federation of <paramref name="WorldSize"/> (rank 0 the server), and where the server listens.</summary>
/// <param name="ServerPort">MASTER_PORT if set; null: the config's cluster.port.</param>
/// <param name="Source">slurm or torchrun: which variables said so.</param>
public sealed record LaunchPlace(int Rank, int WorldSize, string ServerHost, int? ServerPort, string Source)
{
    public bool IsServer => Rank == 0;

    internal LaunchPlace Checked() => Rank < WorldSize ? this
        : throw new ConfigurationException($"rank {Rank} is outside a world of {WorldSize} ({Source})");
}
