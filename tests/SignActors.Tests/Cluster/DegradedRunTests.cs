using SignActors.Runtime.Cluster;
using System.Text.RegularExpressions;
using Xunit;
using static SignActors.Tests.Cluster.HostProcesses;

namespace SignActors.Tests.Cluster;

/// <summary>A run that lost part of its federation says so everywhere it reports, and an experiment does not average it in.</summary>
[Collection("host-runs")] // the experiment runs in this process
public class DegradedRunTests
{
    /// <summary>
    /// A server and two workers (nodes 0–1 and 2–3) under a deadline; the first worker is killed
    /// mid-run and not restarted. Its nodes are absent, unplanned, from the first round their votes
    /// did not come (after the last round seen closed before the kill; every node voted in the round
    /// before it, and none of theirs came after) to the last: the console, outcome.txt and
    /// participation.csv say so. The run lies in an experiment's folder as its seed 1: the
    /// experiment keeps it (seed 2 runs), shows it as degraded and leaves it out of the cell's
    /// statistics; with --rerun-degraded it runs seed 1 again, in one process, as planned.
    /// </summary>
    [Fact]
    public void A_worker_killed_mid_run_makes_the_run_degraded_and_the_experiment_leaves_it_out_until_it_runs_again()
    {
        const int rounds = 40;
        string root = Path.Combine(Path.GetTempPath(), $"signactors-degraded-{Guid.NewGuid():N}");
        string experiment = Path.Combine(root, "lost");
        Directory.CreateDirectory(root);
        // Every vote leaves 60 ms late, so the run lasts long enough to kill a host mid-run.
        string settings = Config(Path.Combine(root, "unused"), Loopback.FreePort(), rounds: rounds, extra: """
            round-policy = deadline
            deadline { round-ms = 800, min-quorum = 2, max-extensions = 20 }
            faults.stragglers = [ { first = 4, distribution = fixed, mean-ms = 60 } ]
            """);
        string serverConfig = Path.Combine(root, "server.conf"), experimentFile = Path.Combine(root, "lost.conf");
        File.WriteAllText(serverConfig, settings + $$"""

            signactors { seed = 1, output { directory = "{{Path.Combine(experiment, "runs")}}", name = "seed-1" } }
            """);
        File.WriteAllText(experimentFile, settings + $$"""

            experiment { name = lost, directory = "{{root}}", grid { seed = [1, 2] } }
            """);

        var server = new Watched(Start("server", "--config", serverConfig));
        var killed = Start("worker", "--config", serverConfig, "--nodes", "0-1");
        var stayer = Start("worker", "--config", serverConfig, "--nodes", "2-3");
        server.WaitFor(10);
        long before = server.Round(); // closed with nodes 0 and 1 before the kill
        killed.Kill(entireProcessTree: true);
        killed.WaitForExit();
        var (code, output, errors) = server.Finish(TimeSpan.FromMinutes(3));
        Finish(stayer, TimeSpan.FromMinutes(1));
        Assert.True(code == 0, output + errors); // the exit code stays 0: the run did what it could, and says what it did not
        Assert.Contains($"done: {rounds} rounds completed", output);

        // The first round without nodes 0 and 1: the round open at the kill or, if their votes for it were already in, the next.
        string run = Path.Combine(experiment, "runs", "seed-1");
        var line = Regex.Match(output, @$"participation: degraded: nodes 0, 1 absent for (\d+) of {rounds} rounds from round (\d+), unplanned \(host 127\.0\.0\.1:\d+ downed at round (\d+)\)");
        Assert.True(line.Success, output);
        long from = long.Parse(line.Groups[2].Value), absent = long.Parse(line.Groups[1].Value), downed = long.Parse(line.Groups[3].Value);
        Assert.True(from > before, $"absent from round {from}, but round {before} had closed before the kill");
        Assert.Equal(rounds - from + 1, absent);      // not restarted: absent from then to the last round
        Assert.InRange(downed, from, rounds);
        var outcome = File.ReadAllLines(Path.Combine(run, "outcome.txt"));
        Assert.Equal(new[] { "completed", $"rounds {rounds}" }, outcome[..2]); // the lines experiments parse are unchanged
        Assert.Equal(line.Value, outcome[4]);

        var table = File.ReadAllLines(Path.Combine(run, "participation.csv"));
        Assert.Equal("node,present,byzantine,crashed,not_drawn,deadline_missed,host_lost,never_registered,vote_dropped,rejoining", table[0]);
        foreach (int j in new[] { 0, 1 })
            Assert.Equal($"{j},{from - 1},0,0,0,0,{absent},0,0,0", table[1 + j]); // the misses before the downing count as the loss
        foreach (int j in new[] { 2, 3 })
        {
            var c = table[1 + j].Split(',').Select(long.Parse).ToArray();
            Assert.Equal((rounds, 0L), (c[1] + c[5], c[6] + c[7] + c[8] + c[9])); // present or, at worst, late: never absent unplanned
        }
        // Independently of the ledger, the server's own vote counts pin that round to the kill: every
        // node voted in the round before it (60 ms late against an 800 ms deadline), at most two from it on.
        var accepted = File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => long.Parse(c[0]), c => int.Parse(c[5]));
        Assert.Equal(4, accepted[from - 1]);
        Assert.All(accepted.Where(a => a.Key >= from), a => Assert.True(a.Value <= 2, $"round {a.Key}: {a.Value} votes"));

        // The experiment keeps the degraded run as seed 1, runs seed 2, and leaves seed 1 out of the statistics.
        var stdout = new StringWriter();
        Assert.Equal(0, Experiment(experimentFile, stdout));
        string summary = File.ReadAllText(Path.Combine(experiment, "summary.md"));
        Assert.Contains("seed-1: already complete and degraded (kept as a result; --rerun-degraded runs it again), skipped", stdout.ToString());
        Assert.Contains("| all | 1/2 | 1 (left out) |", summary);
        Assert.Contains("1 run(s) degraded", stdout.ToString());

        // Told to count it, the same folder's summary does, and still says which run it was.
        File.WriteAllText(experimentFile, File.ReadAllText(experimentFile).Replace("grid {", "include-degraded = on, grid {"));
        var counted = new StringWriter();
        Assert.True(Experiment(experimentFile, counted) == 0, counted.ToString());
        Assert.Contains("| all | 2/2 | 1 (included) |", File.ReadAllText(Path.Combine(experiment, "summary.md")));
        File.WriteAllText(experimentFile, File.ReadAllText(experimentFile).Replace("include-degraded = on, ", ""));

        // Asked to, it runs seed 1 again (in one process: nothing is lost) and counts both.
        stdout = new StringWriter();
        Assert.Equal(0, Experiment(experimentFile, stdout, "--rerun-degraded"));
        Assert.Contains("seed-1: participation: degraded:", stdout.ToString());
        Assert.Contains("| all | 2/2 | 0 |", File.ReadAllText(Path.Combine(experiment, "summary.md")));
        Assert.Equal("participation: as planned", File.ReadAllLines(Path.Combine(run, "outcome.txt"))[4]);
        Directory.Delete(root, recursive: true);
    }

    static int Experiment(string file, StringWriter stdout, params string[] options) =>
        SignActors.Host.Program.BuildCommand(stdout, stdout).Parse(new[] { "experiment", file }.Concat(options).ToArray()).Invoke();
}
