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
        var management = ManagementPort();
        var resume = new Option<string?>("--resume") { Description = "continue from a checkpoint.bin written by the same config" };
        var command = new Command("server", "Run the round coordinator as a cluster member with role server; it waits for every node to register.") { config, port, management, resume };
        command.SetAction(parse => guarded(() => RunServer(parse.GetValue(config), stdout, parse.GetValue(resume), c => ClusterSettings.Read(c, parse.GetValue(port), parse.GetValue(management)))));
        return command;
    }

    public static Command Worker(TextWriter stdout, Func<Func<int>, int> guarded)
    {
        var config = new Option<string?>("--config") { Description = "HOCON file (the same on every host)" };
        var nodes = new Option<string>("--nodes") { Description = "node ids this host runs: a range 0-3, or a list 0,2,5", Required = true };
        var port = new Option<int?>("--port") { Description = "overrides signactors.cluster.port (0 = any free port)" };
        var management = ManagementPort();
        var command = new Command("worker", "Run a range of node actors as a cluster member with role worker.") { config, nodes, port, management };
        command.SetAction(parse => guarded(() =>
        {
            var prepared = RunCommand.Prepare(parse.GetValue(config), stdout);
            var ids = ParseNodes(parse.GetValue(nodes)!, prepared.Settings.Contract.Nodes);
            return RunWorker(prepared, ids, ClusterSettings.Read(prepared.Config, parse.GetValue(port) ?? 0, parse.GetValue(management)), stdout);
        }));
        return command;
    }

    public static Command Launch(TextWriter stdout, Func<Func<int>, int> guarded)
    {
        var config = new Option<string?>("--config") { Description = "HOCON file (the same for every task)" };
        var resume = new Option<string?>("--resume") { Description = "rank 0: continue from a checkpoint.bin written by the same config" };
        var hostname = new Option<string?>("--hostname") { Description = "a worker's own address (default: SLURMD_NODENAME, loopback when the server is on loopback, else the machine's name)" };
        var command = new Command("launch", "Take this process's part from the job scheduler's environment (Slurm's SLURM_PROCID / SLURM_NTASKS / SLURM_NODELIST, or RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT): rank 0 is the server, every other rank a worker with an even share of the nodes.") { config, resume, hostname };
        command.SetAction(parse => guarded(() =>
        {
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
            var place = SchedulerRanks.FromEnvironment(env);
            if (place.IsServer)
            {
                stdout.WriteLine($"launch ({place.Source}): rank 0 of {place.WorldSize}, the server");
                return RunServer(parse.GetValue(config), stdout, parse.GetValue(resume), c => ClusterSettings.ForLaunch(c, place, place.ServerHost));
            }
            var prepared = RunCommand.Prepare(parse.GetValue(config), stdout);
            var ids = SchedulerRanks.NodeShare(place.Rank, place.WorldSize, prepared.Settings.Contract.Nodes);
            string own = parse.GetValue(hostname) ?? SchedulerRanks.WorkerHost(place, env, System.Net.Dns.GetHostName());
            stdout.WriteLine($"launch ({place.Source}): rank {place.Rank} of {place.WorldSize}, a worker on {own}");
            return RunWorker(prepared, ids, ClusterSettings.ForLaunch(prepared.Config, place, own), stdout);
        }));
        return command;
    }

    public static Command Certs(TextWriter stdout, Func<Func<int>, int> guarded)
    {
        var output = new Option<string>("--out") { Description = "folder for ca.pem, ca.key and NAME.pem / NAME.key (an existing CA there is reused)", Required = true };
        var hosts = new Option<string?>("--hosts") { Description = "host names or addresses for the certificate's subject alternative names, comma-separated (peers check the CA, not names)" };
        var name = new Option<string>("--name") { Description = "file name of the host certificate", DefaultValueFactory = _ => "host" };
        var days = new Option<int>("--days") { Description = "validity of the host certificate (the CA gets twice as long)", DefaultValueFactory = _ => 365 };
        var command = new Command("certs", "Make the cluster's own CA and a host certificate for mutual TLS (signactors.cluster.tls), with .NET alone.") { output, hosts, name, days };
        command.SetAction(parse => guarded(() =>
        {
            int validity = parse.GetValue(days);
            if (validity is < 1 or > 36_500) throw new ConfigurationException($"--days: {validity} is out of range 1..36500");
            var names = (parse.GetValue(hosts) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var line in Tls.CertificateAuthority.Write(parse.GetValue(output)!, parse.GetValue(name)!, names, validity, DateTimeOffset.UtcNow)) stdout.WriteLine(line);
            return 0;
        }));
        return command;
    }

    static Option<int?> ManagementPort() => new("--management-port") { Description = "overrides signactors.cluster.management.port (several hosts on one machine)" };

    static int RunServer(string? config, TextWriter stdout, string? resume, Func<Config, ClusterSettings> cluster) =>
        RunCommand.Execute(config, stdout, "server", resume, (prepared, recorder, signals) =>
        {
            var settings = cluster(prepared.Config);
            stdout.WriteLine($"server listening on {settings.Hostname}:{settings.Port}"
                + (settings.Management is { } m ? $", management http://{m.Hostname}:{m.Port}/ (/alive, /ready)" : "")
                + (settings.Discovery is { } d ? $"; forming the cluster by {d.Method} discovery" : "")
                + $"; waiting for {prepared.Settings.Contract.Nodes} node registrations");
            return ClusterHosts.RunServer(prepared.Federation, recorder, settings, signals, stdout.WriteLine);
        });

    static int RunWorker(RunCommand.PreparedRun prepared, int[] ids, ClusterSettings cluster, TextWriter stdout)
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
