using System.CommandLine;
using Akka.Configuration;
using SignActors.Host.Configuration;
using SignActors.Host.Federation;
using SignActors.Host.Logging;
using SignActors.Training.Models;

namespace SignActors.Host.Cluster;

/// <summary>`signactors server` and `signactors worker`: one federation over Akka.Cluster hosts (SPEC §12).</summary>
public static class ClusterCommands
{
    public static Command Server(TextWriter stdout, Func<Func<int>, int> guarded)
    {
        var config = new Option<string?>("--config") { Description = "HOCON file (the same on every host)" };
        var port = new Option<int?>("--port") { Description = "overrides signactors.cluster.port" };
        var resume = new Option<string?>("--resume") { Description = "continue from a checkpoint.bin written by the same config" };
        var command = new Command("server", "Run the round coordinator as a cluster member with role server; it waits for every node to register.") { config, port, resume };
        command.SetAction(parse => guarded(() =>
            RunCommand.Execute(parse.GetValue(config), stdout, "server", parse.GetValue(resume), (prepared, recorder, signals) =>
            {
                var cluster = ClusterSettings.Read(prepared.Config, parse.GetValue(port));
                stdout.WriteLine($"server listening on {cluster.Hostname}:{cluster.Port}; waiting for {prepared.Settings.Contract.Nodes} node registrations");
                return ClusterHosts.RunServer(prepared.Federation, recorder, cluster, signals);
            })));
        return command;
    }

    public static Command Worker(TextWriter stdout, Func<Func<int>, int> guarded)
    {
        var config = new Option<string?>("--config") { Description = "HOCON file (the same on every host)" };
        var nodes = new Option<string>("--nodes") { Description = "node ids this host runs: a range 0-3, or a list 0,2,5", Required = true };
        var port = new Option<int?>("--port") { Description = "overrides signactors.cluster.port (0 = any free port)" };
        var command = new Command("worker", "Run a range of node actors as a cluster member with role worker.") { config, nodes, port };
        command.SetAction(parse => guarded(() =>
        {
            var prepared = RunCommand.Prepare(parse.GetValue(config), stdout);
            var s = prepared.Settings;
            var ids = ParseNodes(parse.GetValue(nodes)!, s.Contract.Nodes);
            var cluster = ClusterSettings.Read(prepared.Config, parse.GetValue(port) ?? 0);
            string log = Path.Combine(Path.GetTempPath(), $"signactors-worker-{ids[0]}-{Environment.ProcessId}.log");
            LogSetup.ForRun(log, s.Host.LogLevel);
            try
            {
                stdout.WriteLine($"worker: nodes {string.Join(", ", ids)} → server {cluster.SeedNodes[0]}; log {log}");
                using var signals = new StopSignals(stdout);
                string result = ClusterHosts.RunWorker(prepared.Federation, ids, cluster, stdout, signals);
                stdout.WriteLine($"worker: {result}");
                return signals.ExitCode ?? 0;
            }
            finally { LogSetup.Shutdown(); }
        }));
        return command;
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
