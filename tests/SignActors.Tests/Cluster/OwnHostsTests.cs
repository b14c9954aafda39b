using SignActors.Runtime.Cluster;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>
/// Only our own hosts (docs/cluster.md), with real processes on 127.0.0.1. Each federation meets
/// every refusal it can at once and must still end with the one-process run's final hash.
/// </summary>
[Collection("alone")]
public class OwnHostsTests(Xunit.Abstractions.ITestOutputHelper trace)
{
    static readonly IPAddress Noise = IPAddress.Parse("127.0.0.2"), Clients = IPAddress.Parse("127.0.0.3");

    static (string Root, string Config) Federation(string name, int port, string extra, int rounds)
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string config = Path.Combine(root, "cluster.conf");
        // Every vote leaves 100 ms late, so the run lasts while the test does its damage.
        File.WriteAllText(config, HostProcesses.Config(Path.Combine(root, "runs"), port, rounds: rounds, logLevel: "info", extra: $$"""
            faults.stragglers = [ { first = 4, distribution = fixed, mean-ms = 100 } ]
            {{extra}}
            """));
        return (root, config);
    }

    /// <summary>The run.log of the run whose server printed <paramref name="output"/>.</summary>
    static string RunLog(string output) => File.ReadAllText(Path.Combine(Regex.Match(output, @"results: (\S+) \(").Groups[1].Value, "run.log"));

    /// <summary>Processes a test started, killed when it ends (a failed assertion must not leave a federation running).</summary>
    sealed class Started : IDisposable
    {
        readonly List<Process> _all = new();
        public Process Add(Process p) { _all.Add(p); return p; }
        public void Dispose() { foreach (var p in _all) try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
    }

    /// <summary>What the server printed on its console about one source address: at most one line a minute, none a stack trace.</summary>
    static void AtMostOneLineAMinute(string errors, IPAddress source, TimeSpan spent)
    {
        var lines = errors.Split('\n').Where(l => l.Contains(source.ToString(), StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length <= 1 + (int)(spent.TotalMinutes), $"{lines.Length} lines about {source} in {spent}:\n{errors}");
        Assert.DoesNotContain(errors.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_TLS_a_second_claim_on_live_node_ids_a_hostile_member_and_bad_bytes_change_nothing()
    {
        int port = Loopback.FreePort();
        var (root, config) = Federation("own-hosts", port, "", rounds: 150);
        using var started = new Started();
        var reference = Task.Run(() => HostProcesses.OneProcessHash(config)); // mostly waits out the straggler delays, beside the federation
        var server = new HostProcesses.Watched(started.Add(HostProcesses.Start("server", "--config", config)));
        var holder = started.Add(HostProcesses.Start("worker", "--config", config, "--nodes", "0-3"));
        server.WaitFor(5);

        // The take-over of the issue: a second worker with the same config claims nodes 0 and 1 mid-run.
        var clock = Stopwatch.StartNew();
        var claimant = started.Add(HostProcesses.Start("worker", "--config", config, "--nodes", "0-1"));
        var attack = HostileMember.Attack(port, TimeSpan.FromSeconds(30));
        var fuzz = WireFuzz.Run(port, Noise, Clients);
        var (claimCode, claimOutput) = HostProcesses.Finish(claimant, TimeSpan.FromSeconds(60));
        var claimTime = clock.Elapsed;
        var did = await attack;
        var fuzzTime = await fuzz;
        int reachedBefore = (int)server.Round();
        trace.WriteLine($"claimant {claimTime}, fuzz {fuzzTime}; round {reachedBefore} of 150 when done");

        var (code, output, errors) = server.Finish(TimeSpan.FromMinutes(3));
        var (_, holderOutput) = HostProcesses.Finish(holder, TimeSpan.FromMinutes(1));
        Assert.True(code == 0, output + errors);
        Assert.True(reachedBefore < 150, $"the run ended before the test was done with it (round {reachedBefore}); make it longer");
        Assert.Contains("150 rounds completed; all 4 replicas bit-identical to the server after every round", output);
        Assert.Contains("worker: every node finished its run", holderOutput);
        string log = RunLog(output);
        Assert.Equal(await reference, HostProcesses.Hash(output));

        // The claimant: refused, one line, exit 2; the server warned once.
        Assert.True(claimCode == 2, claimOutput);
        var claimErrors = claimOutput.Split('\n').Where(l => l.StartsWith("signactors:") || l.StartsWith("ERROR") || l.StartsWith("WARN")).ToArray();
        Assert.Single(claimErrors);
        Assert.Matches(@"^signactors: the server refused node [01]: node [01] belongs to worker host 127\.0\.0\.1:\d+, which is up and reachable", claimErrors[0]);
        Assert.True(claimTime < TimeSpan.FromSeconds(30), $"the claimant took {claimTime} to stop");
        Assert.Single(errors.Split('\n'), l => l.Contains("server: refused node"));

        // The hostile member joined and sent its worst; the coordinator and the nodes never saw it.
        Assert.True(did.Any(l => l.StartsWith("resolved ")), string.Join("\n", did));
        Assert.DoesNotContain("dropped unexpected", errors);
        var refusedFrames = log.Split('\n').Where(l => l.Contains("is not accepted on this cluster's wire") || l.Contains("does not cross between this cluster's hosts")).ToArray();
        Assert.True(refusedFrames.Length >= 2, $"no refused frame in run.log:\n{string.Join("\n", did)}");
        Assert.DoesNotContain("System.Diagnostics.Process\" was dropped\n   at", log); // one line each: no stack trace under a refusal
        // Terminated still crosses from a live host: the server heard each node actor stop at the end.
        Assert.Equal(4, Regex.Matches(log, @"server: node \d has stopped").Count);

        // Bad bytes: the run is unchanged (above), and the console stays quiet about them.
        AtMostOneLineAMinute(errors, Noise, fuzzTime);
        AtMostOneLineAMinute(errors, Clients, fuzzTime);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task With_TLS_a_federation_reaches_the_one_process_hash_and_refused_peers_stop_with_one_line()
    {
        var certs = TestCertificates.Files;
        int port = Loopback.FreePort();
        var (root, config) = Federation("tls", port, TestCertificates.Set.Section(certs.Host, certs.Ca), rounds: 70);
        string Variant(string name, string section)
        {
            string path = Path.Combine(root, name + ".conf");
            File.WriteAllText(path, $"include file(\"{config}\")\nsignactors.{section}\n");
            return path;
        }
        var refused = new (string Name, string Config, string Expected)[]
        {
            ("no certificate", Variant("plain", "cluster.tls.enabled = off"), @"^signactors: TLS: the host at 127\.0\.0\.1:\d+ speaks TLS and this host has it off"),
            ("another CA", Variant("other-ca", TestCertificates.Set.Section(certs.OtherHost, certs.OtherCa)), @"^signactors: TLS: could not join the cluster: the peer at 127\.0\.0\.1:\d+: its certificate \(.*\) does not chain to this cluster's CA \(CN=another CA\)"),
            ("expired", Variant("expired", TestCertificates.Set.Section(certs.Expired, certs.Ca)), @"^signactors: signactors\.cluster\.tls\.certificate: every peer would refuse this host: its certificate \(CN=expired\) expired on "),
        };

        using var started = new Started();
        var reference = Task.Run(() => HostProcesses.OneProcessHash(config));
        var server = new HostProcesses.Watched(started.Add(HostProcesses.Start("server", "--config", config)));
        var workers = new[] { "0-1", "2-3" }.Select(ids => started.Add(HostProcesses.Start("worker", "--config", config, "--nodes", ids))).ToArray();
        var clock = Stopwatch.StartNew();
        var peers = refused.Select(r => (r, Process: started.Add(HostProcesses.Start("worker", "--config", r.Config, "--nodes", "0-1")))).ToArray();
        var ended = peers.Select(p => (p.r, Result: HostProcesses.Finish(p.Process, TimeSpan.FromSeconds(90)), Time: clock.Elapsed)).ToArray();
        server.WaitFor(5);
        using var expired = X509Certificate2.CreateFromPemFile(certs.Expired.Cert, certs.Expired.Key);
        var fuzzTime = await WireFuzz.Run(port, Noise, Clients, expired);
        int reachedBefore = (int)server.Round();
        trace.WriteLine($"refused peers {string.Join(", ", ended.Select(e => $"{e.r.Name} {e.Time}"))}, fuzz {fuzzTime}; round {reachedBefore} of 70 when done");

        var (code, output, errors) = server.Finish(TimeSpan.FromMinutes(3));
        var rest = workers.Select(w => HostProcesses.Finish(w, TimeSpan.FromMinutes(1))).ToArray();
        Assert.True(code == 0, output + errors);
        Assert.True(reachedBefore < 70, $"the run ended before the test was done with it (round {reachedBefore}); make it longer");
        Assert.Contains("server listening on 127.0.0.1", output);
        Assert.Contains("70 rounds completed; all 4 replicas bit-identical to the server after every round", output);
        Assert.All(rest, w => Assert.Contains("worker: every node finished its run", w.Output));
        Assert.Equal(await reference, HostProcesses.Hash(output));

        foreach (var (peer, (peerCode, peerOutput), time) in ended)
        {
            var lines = peerOutput.Split('\n').Where(l => l.StartsWith("signactors:") || l.StartsWith("ERROR") || l.StartsWith("WARN")).ToArray();
            Assert.True(peerCode == 2 && lines.Length == 1, $"{peer.Name}: exit {peerCode}\n{peerOutput}");
            Assert.Matches(peer.Expected, lines[0]);
            Assert.True(time < TimeSpan.FromSeconds(30), $"{peer.Name}: stopped after {time}");
        }
        // The server said who it refused, at most a line a minute per address, with the reason and no stack trace.
        Assert.Matches(@"WARN: refused a TLS connection from 127\.0\.0\.1:\d+: ", errors);
        AtMostOneLineAMinute(errors, Noise, fuzzTime);
        AtMostOneLineAMinute(errors, Clients, fuzzTime + clock.Elapsed);
        Assert.Matches(@"refused a TLS connection from 127\.0\.0\.3:\d+: (it presented no certificate|its certificate \(CN=expired\) expired on)", errors);
        Directory.Delete(root, recursive: true);
    }
}
