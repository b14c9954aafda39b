using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Federation;
using SignActors.Runtime.Logging;

namespace SignActors.Runtime.Cluster;

/// <summary>
/// The two roles a cluster host takes, as the `server`, `worker` and `launch` verbs start them
/// (SPEC §12): the server side of a run with its cluster settings, and a worker's nodes with its log.
/// </summary>
public static class ClusterRoles
{
    public static int RunServer(string? config, TextWriter stdout, string? resume, Func<Config, ClusterSettings> cluster) =>
        RunCommand.Execute(config, stdout, "server", resume, (prepared, recorder, signals) =>
        {
            var settings = cluster(prepared.Config);
            stdout.WriteLine($"server listening on {settings.Hostname}:{settings.Port}"
                + (settings.Management is { } m ? $", management http://{m.Hostname}:{m.Port}/ (/alive, /ready)" : "")
                + (settings.Discovery is { } d ? $"; forming the cluster by {d.Method} discovery" : "")
                + $"; waiting for {prepared.Settings.Contract.Nodes} node registrations");
            return ClusterHosts.RunServer(prepared.Federation, recorder, settings, signals, stdout.WriteLine);
        });

    public static int RunWorker(RunCommand.PreparedRun prepared, int[] ids, ClusterSettings cluster, TextWriter stdout)
    {
        string log = Path.Combine(Path.GetTempPath(), $"signactors-worker-{ids[0]}-{Environment.ProcessId}.log");
        LogSetup.ForRun(log, prepared.Settings.Host.LogLevel);
        try
        {
            stdout.WriteLine($"worker: nodes {Ranges(ids)} → server {(cluster.Formation == ClusterFormation.Discovery ? "found by its role once discovery has formed the cluster" : cluster.SeedNodes[0])}; log {log}");
            using var signals = new StopSignals(stdout);
            string result = ClusterHosts.RunWorker(prepared.Federation, ids, cluster, stdout, signals);
            stdout.WriteLine($"worker: {result}");
            return signals.ExitCode ?? 0;
        }
        finally { LogSetup.Shutdown(); }
    }

    /// <summary>Sorted ids as ranges: 0-3, 7, 9-10.</summary>
    static string Ranges(int[] ids)
    {
        var parts = new List<string>();
        for (int i = 0; i < ids.Length;)
        {
            int j = i;
            while (j + 1 < ids.Length && ids[j + 1] == ids[j] + 1) j++;
            parts.Add(j == i ? $"{ids[i]}" : $"{ids[i]}-{ids[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }

    /// <summary>"0-3" or "0,2,5": distinct node ids, each in 0..n−1.</summary>
    public static int[] ParseNodes(string text, int nodes)
    {
        var ids = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, out _)))
                throw new ConfigurationException($"--nodes: \"{part}\" is not a node id or a range like 0-3");
            int from = int.Parse(bounds[0]), to = int.Parse(bounds[^1]);
            if (from > to || from < 0 || to >= nodes) throw new ConfigurationException($"--nodes: {part} is outside 0..{nodes - 1}");
            for (int j = from; j <= to; j++) ids.Add(j);
        }
        if (ids.Count == 0) throw new ConfigurationException("--nodes: name at least one node id");
        return ids.Distinct().Order().ToArray();
    }
}
