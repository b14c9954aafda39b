using SignActors.Training;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using SignActors.Training.Data;
using SignActors.Training.Faults;
using SignActors.Training.Randomness;

namespace SignActors.Runtime.Configuration;

/// <summary>
/// Reads `signactors.faults` and the round policy (SPEC §6.4, §7). Each fault entry picks its
/// nodes with exactly one of <c>nodes = [ids]</c>, <c>first = k</c> (nodes 0..k−1),
/// <c>fraction = f</c> (the first ⌈f·n⌉ nodes) or <c>random = k</c> (k nodes drawn uniformly on the
/// run's stream, so each seed gets its own set and an attack is not tied to the data of nodes
/// 0..k−1); entries combine per node.
/// </summary>
public static class FaultSettings
{
    static readonly string[] Selectors = { "nodes", "first", "fraction", "random" };
    static readonly string[] Lists = { "stragglers", "crashes", "byzantine" };
    static readonly string[] StragglerKeys = { "probability", "distribution", "mean-ms", "sigma" };
    static readonly string[] CrashKeys = { "at-round", "for-rounds" };
    static readonly string[] ByzantineKeys = { "attack", "plugin" };

    public static FaultPlan Read(Config root, int nodes, long rounds, PluginCatalog plugins, ulong seed)
    {
        var faults = new Dictionary<int, NodeFaults>();
        NodeFaults At(int j) => faults.TryGetValue(j, out var f) ? f : NodeFaults.None;

        foreach (var (entry, name, selected) in Entries(root, "stragglers", nodes, StragglerKeys, seed))
        {
            var spec = new StragglerSpec(entry.Has("probability") ? entry.Double("probability", 0, 1) : 1.0, entry.Enum("distribution", Spellings.Delay),
                entry.Double("mean-ms", 0, 3_600_000), entry.Has("sigma") ? entry.Double("sigma", 0.001, 5) : 0.5);
            entry.Check(spec.Validate());
            foreach (int j in selected) faults[j] = At(j) with { Straggler = spec };
        }
        foreach (var (entry, name, selected) in Entries(root, "crashes", nodes, CrashKeys, seed))
        {
            var spec = new CrashSpec(entry.Long("at-round", 1, rounds), entry.Long("for-rounds", 1, uint.MaxValue));
            entry.Check(spec.Validate());
            foreach (int j in selected) faults[j] = At(j) with { Crash = spec };
        }
        foreach (var (entry, name, selected) in Entries(root, "byzantine", nodes, ByzantineKeys, seed))
        {
            // attack names a built-in, or a plugin type (a dot or a comma) with its own settings in the entry's plugin { }.
            string attack = entry.String("attack");
            if (PluginCatalog.NamesType(attack))
            {
                var plugin = plugins.Attack(attack, name, entry.Value("plugin"));
                foreach (int j in selected) faults[j] = At(j) with { AttackPlugin = plugin };
                continue;
            }
            if (entry.Has("plugin")) throw new ConfigurationException($"{name}.plugin: settings for a plugin attack, but attack = {attack} is built in");
            var kind = entry.Enum("attack", Spellings.Attack);
            foreach (int j in selected) faults[j] = At(j) with { Attack = kind };
        }
        var c = new SettingsReader(root, "signactors.faults");
        return new FaultPlan(faults, c.Int("omniscient-sample", 0),
            c.String("alie-z") == "auto" ? null : c.Double("alie-z", 0, 10), c.Double("ipm-epsilon", 0, 1000));
    }

    public static RoundPolicy ReadPolicy(Config root, int nodes)
    {
        var c = new SettingsReader(root, ConfigKeys.Root);
        if (c.Enum("round-policy", Spellings.RoundPolicy) == RoundPolicyKind.WaitAll) return RoundPolicy.WaitAll;
        var d = new SettingsReader(root, "signactors.deadline");
        var policy = new RoundPolicy(RoundPolicyKind.Deadline, d.Int("round-ms", 1), d.IntOrAuto("min-quorum", (nodes + 1) / 2, 1, nodes), d.Int("max-extensions", 0, 1000));
        if (policy.Validate(nodes) is { } problem) throw new ConfigurationException($"signactors.{problem}");
        return policy;
    }

    /// <summary>The entries of one fault list, each with its reader, its display name and the node ids it selects.</summary>
    static IEnumerable<(SettingsReader Entry, string Name, int[] Nodes)> Entries(Config root, string list, int nodes, string[] keys, ulong seed)
    {
        string path = $"signactors.faults.{list}";
        var value = root.GetValue(path);
        if (value is null) yield break;
        // Akka's HOCON reports an empty list as neither array, string nor object.
        if (value.IsString() || value.IsObject()) throw new ConfigurationException($"{path} must be a list of {{ … }} entries, like [ {{ first = 1, … }} ]");
        var items = value.GetArray();
        for (int i = 0; i < items.Count; i++)
        {
            string name = $"{path}[{i}]";
            if (!items[i].IsObject()) throw new ConfigurationException($"{name} must be an object {{ … }}");
            var element = new Config(new HoconRoot(items[i]));
            var valid = Selectors.Concat(keys).ToArray();
            foreach (var key in items[i].GetObject().Items.Keys)
                if (!valid.Contains(key))
                    throw new ConfigurationException($"unknown key {name}.{key}" + (ConfigKeys.Closest(key, valid) is { } near ? $"; did you mean {name}.{near}?" : $"; valid keys: {string.Join(", ", valid)}"));
            var entry = new SettingsReader(element, "", name);
            // Each entry draws from its own stream: its list's place and its index within the list.
            var stream = StreamKey.ForRun(seed, StreamPurpose.FaultNodes) with { Round = (uint)(Array.IndexOf(Lists, list) << 16 | i) };
            yield return (entry, name, Select(entry, name, nodes, stream));
        }
    }

    static int[] Select(SettingsReader entry, string name, int nodes, StreamKey key)
    {
        var given = Selectors.Where(entry.Has).ToArray();
        if (given.Length != 1) throw new ConfigurationException($"{name}: choose its nodes with exactly one of nodes = [ids], first = k, fraction = f, random = k");
        switch (given[0])
        {
            case "random":
                int k = entry.Int("random", 0, nodes);
                return k == 0 ? [] : RecordSample.Draw(nodes, k, key);
            case "first":
                return Enumerable.Range(0, entry.Int("first", 0, nodes)).ToArray();
            case "fraction":
                double f = entry.Double("fraction", 0, 1);
                return Enumerable.Range(0, (int)Math.Ceiling(f * nodes - 1e-9)).ToArray();
            default:
                var ids = entry.IntList("nodes");
                foreach (int j in ids)
                    if (j < 0 || j >= nodes) throw new ConfigurationException($"{name}.nodes: node id {j} is outside 0..{nodes - 1}");
                return ids.Distinct().Order().ToArray();
        }
    }
}
