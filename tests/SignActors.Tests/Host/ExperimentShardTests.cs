using System.Diagnostics;
using SignActors.Experiments;
using Xunit;

namespace SignActors.Tests.Host;

public sealed class RunShareTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] set) => name => set.FirstOrDefault(s => s.Name == name).Value;

    [Fact]
    public void Every_run_belongs_to_exactly_one_shard()
    {
        for (int n = 1; n <= 5; n++)
            for (int run = 0; run < 23; run++)
                Assert.Single(Enumerable.Range(0, n), i => new RunShare(i, n).Takes(run));
        Assert.Equal(new[] { 1, 4, 7 }, Enumerable.Range(0, 9).Where(new RunShare(1, 3).Takes));
    }

    [Fact]
    public void Shards_come_from_i_over_n_or_from_the_slurm_array()
    {
        Assert.Equal(new RunShare(2, 5), RunShare.Parse("2/5", Env()));
        Assert.Equal(new RunShare(0, 3), RunShare.Parse("slurm", Env(("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "3"))));
        // --array=1-3: ids 1..3, minimum 1 → shards 0..2 of 3; SLURM_PROCID (launch's variable) plays no part.
        Assert.Equal(new RunShare(2, 3), RunShare.Parse("slurm", Env(("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_PROCID", "7"))));
    }

    [Theory]
    [InlineData("3/3", null, null, "--shard \"3/3\": give i/N with 0 ≤ i < N")]
    [InlineData("1/0", null, null, "--shard \"1/0\"")]
    [InlineData("-1/2", null, null, "--shard \"-1/2\"")]
    [InlineData("slurm", null, "3", "--shard slurm: SLURM_ARRAY_TASK_ID is not set")]
    [InlineData("slurm", "1", null, "--shard slurm: SLURM_ARRAY_TASK_COUNT is not set")]
    [InlineData("slurm", "one", "3", "SLURM_ARRAY_TASK_ID = \"one\" is not a non-negative integer")]
    [InlineData("slurm", "5", "3", "SLURM_ARRAY_TASK_ID = 5 (minimum 0) is not one of the 3 tasks")]
    public void A_bad_shard_is_one_line(string text, string? id, string? count, string expected)
    {
        var env = new List<(string, string)>();
        if (id is not null) env.Add(("SLURM_ARRAY_TASK_ID", id));
        if (count is not null) env.Add(("SLURM_ARRAY_TASK_COUNT", count));
        var e = Assert.Throws<Akka.Configuration.ConfigurationException>(() => RunShare.Parse(text, Env(env.ToArray())));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}

/// <summary>
/// One experiment three ways: one process, three Slurm array processes per stage then `--summarise`,
/// and `--parallel 2` (child processes). Every run's hash and the summary must be the same.
/// </summary>
[Collection("host-runs")]
public sealed class ExperimentShardTests
{
    static string Grid(string directory) => $$"""
        signactors {
          nodes = 2
          rounds = 3
          evaluation { every = 3, probe-records = 20 }
          model { name = mlp, batch-size = 8 }
          data { validation = 0.2, cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
          log-level = warning
        }
        experiment {
          name = grid
          directory = "{{directory}}"
          grid {
            method = [
              { label = signum, algorithm.preset = signum }
              { label = sgd, algorithm.preset = sgd, tune { learning-rate.initial = [0.1] } }
            ]
            seed = [1, 2]
          }
          tuning { rounds = 2, seed = 7, grid { learning-rate.initial = [0.01, 0.001] } }
          compare { axis = method, baseline = [signum, sgd] }
        }
        """;

    static string Config(string root, string name)
    {
        string file = Path.Combine(root, name + ".conf");
        File.WriteAllText(file, Grid(Path.Combine(root, name)));
        return file;
    }

    /// <summary>`signactors experiment …` in a process of its own, with the given environment.</summary>
    static (int Code, string Err) Process(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string apphost = Path.Combine(AppContext.BaseDirectory, "signactors");
        var start = new ProcessStartInfo(apphost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var p = System.Diagnostics.Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = output.Result;
        return (p.ExitCode, error);
    }

    /// <summary>Every run's name and final hash, tuning and finals.</summary>
    static string[] Hashes(string experiment) =>
        Directory.GetFiles(experiment, "outcome.txt", SearchOption.AllDirectories).Order()
            .Select(f => $"{Path.GetRelativePath(experiment, f)}: {File.ReadLines(f).First(l => l.StartsWith("final parameter hash", StringComparison.Ordinal))}")
            .ToArray();

    [Fact]
    public void Three_array_shards_then_summarise_and_parallel_runs_match_one_process()
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-shards-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var (code, _, err) = CommandTests.Run("experiment", Config(root, "whole"));
            Assert.True(code == 0, err);
            string whole = Path.Combine(root, "whole", "grid");

            string sharded = Config(root, "sharded");
            foreach (string stage in new[] { "tuning", "finals" })
                for (int i = 0; i < 3; i++)
                {
                    var env = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = $"{i + 1}", ["SLURM_ARRAY_TASK_COUNT"] = "3", ["SLURM_ARRAY_TASK_MIN"] = "1" };
                    var (shardCode, shardErr) = Process(env, "experiment", sharded, "--shard", "slurm", "--stage", stage);
                    Assert.True(shardCode == 0, $"{stage} shard {i}: {shardErr}");
                }
            string shards = Path.Combine(root, "sharded", "grid");
            Assert.False(File.Exists(Path.Combine(shards, "summary.md"))); // shards never write summaries
            Assert.False(File.Exists(Path.Combine(shards, "tuning", "choices.csv")));
            (code, _, err) = CommandTests.Run("experiment", sharded, "--summarise");
            Assert.True(code == 0, err);

            (code, _, err) = CommandTests.Run("experiment", Config(root, "parallel"), "--parallel", "2");
            Assert.True(code == 0, err);
            string parallel = Path.Combine(root, "parallel", "grid");

            Assert.Equal(7, Hashes(whole).Length); // 3 tuning runs and 4 finals
            Assert.Equal(Hashes(whole), Hashes(shards));
            Assert.Equal(Hashes(whole), Hashes(parallel));
            string summary = File.ReadAllText(Path.Combine(whole, "summary.md"));
            Assert.Equal(summary, File.ReadAllText(Path.Combine(shards, "summary.md")));
            Assert.Equal(summary, File.ReadAllText(Path.Combine(parallel, "summary.md")));
            Assert.Equal(File.ReadAllText(Path.Combine(whole, "tuning", "choices.csv")), File.ReadAllText(Path.Combine(shards, "tuning", "choices.csv")));

            // A shard with nothing left to run exits 0 at once; finals before tuning is one line.
            var (again, _) = Process(new Dictionary<string, string>(), "experiment", sharded, "--shard", "0/3", "--stage", "finals");
            Assert.Equal(0, again);
            var (early, earlyErr) = Process(new Dictionary<string, string>(), "experiment", Config(root, "early"), "--shard", "0/2", "--stage", "finals");
            Assert.Equal(2, early);
            Assert.Contains("the tuning stage is not finished (3 of 3 tuning runs have no result", earlyErr);
            Assert.Single(earlyErr.Trim().Split('\n'));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
