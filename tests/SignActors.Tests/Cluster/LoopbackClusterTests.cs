using SignActors.Runtime.Cluster;
using System.Diagnostics;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>
/// Real processes on 127.0.0.1 (SPEC §12): one `signactors server` and two `signactors worker`
/// hosts, started from this test's build output, against the same federation in one process.
/// </summary>
[Collection("alone")]
public class LoopbackClusterTests
{
    static string Config(string output, int port, string extra = "", int rounds = 5) => HostProcesses.Config(output, port, extra, rounds);
    static Process Start(params string[] args) => HostProcesses.Start(args);
    static Process Start(IReadOnlyDictionary<string, string> env, params string[] args) => HostProcesses.Start(env, args);
    static (int Code, string Output) Finish(Process p, TimeSpan timeout) => HostProcesses.Finish(p, timeout);
    static string Hash(string output) => HostProcesses.Hash(output);

    [Theory]
    [InlineData("")]
    [InlineData("participation.per-round = 3")] // client sampling: the same draws across hosts
    [InlineData("discovery")]                   // no seed list: all three hosts are contact points, the workers start first
    [InlineData("torchscript")]                 // a model PyTorch saved, on a NumPy data set
    [InlineData("plugin")]                      // a plugin's estimator and aggregator, loaded on every host
    public void One_server_and_two_worker_processes_reach_the_same_final_hash_as_one_process(string extra)
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-cluster-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string after = "";
        if (extra == "torchscript")
        {
            Data.NpyBytes.WriteTinySet(root);
            after = $"signactors.model {{ name = torchscript, file = \"{Models.TorchScriptTests.Fixture("tiny-16x3.pt")}\" }}\n"
                + $"signactors.data {{ source = npy, directory = \"{root}\", partition.kind = iid }}\n";
            extra = "";
        }
        if (extra == "plugin")
        {
            after = $"signactors {{ plugins = [\"{Host.PluginTests.Plugin}\"], algorithm {{ preset = sgd, estimator = \"MyMethods.NesterovMomentum, MyMethods\", "
                + "aggregator = \"MyMethods.CenteredClipping, MyMethods\", plugin { beta = 0.3, tau = 0.5 } } }\n";
            extra = "";
        }
        string config = Path.Combine(root, "cluster.conf");
        var ports = Enumerable.Range(0, 3).Select(_ => Loopback.FreePort()).ToArray(); // Akka.Remote: server, worker, worker
        bool discovery = extra == "discovery";
        if (discovery)
            extra = $$"""
                cluster {
                  formation = discovery
                  discovery.contact-points = [{{string.Join(", ", ports.Select(p => $"\"127.0.0.1:{p}\""))}}]
                  management.enabled = off
                }
                """;
        File.WriteAllText(config, Config(Path.Combine(root, "runs"), ports[0], extra) + "\n" + after);

        Process server;
        Process[] workers;
        if (discovery)
        {
            workers = [Start("worker", "--config", config, "--nodes", "0-1", "--port", $"{ports[1]}"), Start("worker", "--config", config, "--nodes", "2,3", "--port", $"{ports[2]}")];
            server = Start("server", "--config", config);
        }
        else
        {
            server = Start("server", "--config", config);
            workers = [Start("worker", "--config", config, "--nodes", "0-1"), Start("worker", "--config", config, "--nodes", "2,3")];
        }
        var (code, output) = Finish(server, TimeSpan.FromMinutes(3));
        var workerResults = workers.Select(w => Finish(w, TimeSpan.FromMinutes(1))).ToArray();
        Assert.True(code == 0, output);
        Assert.Contains("all 4 replicas bit-identical to the server after every round", output);
        Assert.All(workerResults, w => Assert.Contains("worker: every node finished its run", w.Output));

        var stdout = new StringWriter();
        int inProcess = SignActors.Host.Program.BuildCommand(stdout, new StringWriter()).Parse(new[] { "run", config }).Invoke();
        Assert.Equal(0, inProcess);
        Assert.Equal(Hash(stdout.ToString()), Hash(output));
        Directory.Delete(root, recursive: true);
    }

    [Theory]
    [InlineData("slurm")]
    [InlineData("torchrun")]
    public void Three_launched_tasks_form_the_federation_from_the_scheduler_variables_alone(string scheduler)
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-launch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string config = Path.Combine(root, "cluster.conf");
        // The config's port and seed list name a port nobody listens on: a launch takes MASTER_PORT and ignores the seed list.
        File.WriteAllText(config, Config(Path.Combine(root, "runs"), Loopback.FreePort()));
        int port = Loopback.FreePort();
        Dictionary<string, string> Task(int rank) => scheduler == "slurm"
            ? new() { ["SLURM_PROCID"] = $"{rank}", ["SLURM_NTASKS"] = "3", ["SLURM_NODELIST"] = "localhost", ["SLURMD_NODENAME"] = "localhost", ["MASTER_PORT"] = $"{port}" }
            : new() { ["RANK"] = $"{rank}", ["WORLD_SIZE"] = "3", ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = $"{port}" };

        var tasks = Enumerable.Range(0, 3).Select(rank => Start(Task(rank), "launch", "--config", config)).ToArray();
        var (code, output) = Finish(tasks[0], TimeSpan.FromMinutes(3));
        var workers = tasks.Skip(1).Select(w => Finish(w, TimeSpan.FromMinutes(1))).ToArray();
        Assert.True(code == 0, output);
        Assert.Contains($"launch ({scheduler}): rank 0 of 3, the server", output);
        Assert.Contains("all 4 replicas bit-identical to the server after every round", output);
        Assert.Contains("worker: nodes 0-1 → server", workers[0].Output);
        Assert.Contains("worker: nodes 2-3 → server", workers[1].Output);
        Assert.All(workers, w => Assert.Contains("worker: every node finished its run", w.Output));

        var stdout = new StringWriter();
        Assert.Equal(0, SignActors.Host.Program.BuildCommand(stdout, new StringWriter()).Parse(new[] { "run", config }).Invoke());
        Assert.Equal(Hash(stdout.ToString()), Hash(output));
        Directory.Delete(root, recursive: true);
    }

    /// <summary>
    /// Discovery formation: the same config for every host, no seed list, contact points listing
    /// the three hosts' Akka.Remote ports, required contact points 1 so a host alone may form. A
    /// worker with the lowest address starts first and forms the cluster (it is the oldest member);
    /// the server and the other worker start later and join it. Killing that first worker must not down the server's side: keep-oldest
    /// counts only the members with role server. Management answers /alive and /ready throughout.
    /// </summary>
    [Fact]
    public async Task Hosts_form_the_cluster_by_discovery_in_any_order_and_the_run_survives_losing_the_first_worker()
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-bootstrap-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string config = Path.Combine(root, "bootstrap.conf");
        var remoting = Enumerable.Range(0, 3).Select(_ => Loopback.FreePort()).Order().ToArray(); // the first worker has the lowest contact point
        var ports = Enumerable.Range(0, 3).Select(_ => Loopback.FreePort()).ToArray();             // management endpoints
        File.WriteAllText(config, Config(Path.Combine(root, "runs"), 0, rounds: 40, extra: $$"""
            round-policy = deadline
            deadline { round-ms = 800, min-quorum = 2, max-extensions = 20 }
            faults.stragglers = [ { first = 4, distribution = fixed, mean-ms = 150 } ]
            cluster {
              formation = discovery
              seed-nodes = []
              discovery { contact-points = [{{string.Join(", ", remoting.Select(p => $"\"127.0.0.1:{p}\""))}}], required-contact-points = 1 }
            }
            """).Replace("port = 0, seed-nodes = [\"akka.tcp://signactors@127.0.0.1:0\"], ", "port = 0, "));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        async Task<(int Status, string Body)> Probe(int port, string path)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}{path}");
                return ((int)response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
            }
            catch (HttpRequestException e) { return (0, e.Message); }
        }
        async Task<(int Status, string Body)> Until(int port, string path, Func<(int Status, string Body), bool> done, Process watched)
        {
            var until = DateTime.UtcNow.AddMinutes(2);
            var last = await Probe(port, path);
            // Polls a probe until it says what the test waits for (a wait-until, not a timing assertion).
            while (!done(last) && !watched.HasExited && DateTime.UtcNow < until) { await Task.Delay(200); last = await Probe(port, path); }
            return last;
        }

        var first = Start("worker", "--config", config, "--nodes", "0-1", "--port", $"{remoting[0]}", "--management-port", $"{ports[0]}");
        var up = await Until(ports[0], "/alive", r => r.Body.Contains("member Up"), first);
        Assert.True(up.Body.Contains("alive: member Up"), $"the first worker did not form the cluster alone: {up}");
        var watched = new HostProcesses.Watched(Start("server", "--config", config, "--port", $"{remoting[2]}", "--management-port", $"{ports[2]}"));
        var server = watched.Process;
        var second = Start("worker", "--config", config, "--nodes", "2-3", "--port", $"{remoting[1]}", "--management-port", $"{ports[1]}");
        var ready = await Until(ports[2], "/ready", r => r.Status == 200, server);
        Assert.True(ready == (200, "ready: 4 of 4 nodes registered"), $"server /ready: {ready}");
        // The worker sees itself Up only when gossip reaches it, which may be after the server counted its nodes.
        var workerReady = await Until(ports[1], "/ready", r => r.Status == 200, second);
        Assert.True(workerReady == (200, "ready: worker member Up"), $"second worker /ready: {workerReady}");

        watched.WaitFor(8);
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        var (code, output, errors) = watched.Finish(TimeSpan.FromMinutes(3));
        var rest = Finish(second, TimeSpan.FromMinutes(1));
        Assert.True(code == 0, output + errors);
        Assert.Contains("forming the cluster by config discovery", output);
        Assert.True(output.Contains("40 rounds completed; all 2 replicas bit-identical to the server after every round") && errors.Contains("worker host") && errors.Contains("is gone, and with it nodes 0, 1"), output + errors);
        Assert.True(rest.Output.Contains("worker: every node finished its run"), rest.Output);
        var accepted = File.ReadAllLines(Directory.GetFiles(Path.Combine(root, "runs"), "metrics.csv", SearchOption.AllDirectories).Single())
            .Skip(1).Select(l => int.Parse(l.Split(',')[5])).ToArray();
        Assert.Equal(2, accepted[^1]); // the lost worker's nodes stayed gone; the rest went on at quorum
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void A_killed_worker_leaves_the_run_at_quorum_and_its_nodes_rejoin_bit_identical_when_it_returns()
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-cluster-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string config = Path.Combine(root, "cluster.conf");
        // Every vote leaves 150 ms late, so rounds take long enough to kill and restart a host mid-run.
        File.WriteAllText(config, Config(Path.Combine(root, "runs"), Loopback.FreePort(), rounds: 120, extra: """
            round-policy = deadline
            deadline { round-ms = 800, min-quorum = 2, max-extensions = 20 }
            faults.stragglers = [ { first = 4, distribution = fixed, mean-ms = 150 } ]
            """));

        var server = new HostProcesses.Watched(Start("server", "--config", config));
        var stayer = Start("worker", "--config", config, "--nodes", "0-1");
        var leaver = Start("worker", "--config", config, "--nodes", "2-3");

        server.WaitFor(12);
        leaver.Kill(entireProcessTree: true);
        leaver.WaitForExit();
        long killedAt = server.Round();
        server.WaitFor(killedAt + 12);
        var returning = Start("worker", "--config", config, "--nodes", "2-3");
        var (code, output, errors) = server.Finish(TimeSpan.FromMinutes(3));
        var rest = new[] { stayer, returning }.Select(w => Finish(w, TimeSpan.FromMinutes(1))).ToArray();
        Assert.True(code == 0, output + errors);
        Assert.Contains("120 rounds completed; all 4 replicas bit-identical to the server after every round", output);
        Assert.Matches(@"participation: degraded: nodes 2, 3 absent for \d+ of 120 rounds from round \d+, unplanned", output); // back, but not there throughout
        // The lost host is at most one line naming it and its nodes (none when the restarted host registers
        // its nodes before the old ones are downed); Akka's remoting detail went to run.log only.
        // (Under load a round may also reach its deadline below quorum and say so: that line is the run's own.)
        var errorLines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var gone = errorLines.Where(l => l.Contains(" is gone")).ToArray();
        Assert.True(gone.Length <= 1 && gone.All(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"worker host \S+ is gone, and with it nodes (2, 3|2|3); rounds go on without them")), errors);
        Assert.True(errorLines.All(l => l.StartsWith("WARN: server: ") || l.StartsWith("ERROR: server: ")), errors);
        Assert.DoesNotContain("Disassociat", errors);

        var metrics = File.ReadAllLines(Directory.GetFiles(Path.Combine(root, "runs"), "metrics.csv", SearchOption.AllDirectories).Single())
            .Skip(1).Select(l => l.Split(',')).Select(c => (Round: long.Parse(c[0]), Accepted: int.Parse(c[5]))).ToArray();
        Assert.Contains(metrics, m => m.Round > killedAt && m.Accepted == 2);   // went on at quorum without the lost host
        Assert.Equal(4, metrics[^1].Accepted);                                   // its nodes are back and voting
        Directory.Delete(root, recursive: true);
    }
}
