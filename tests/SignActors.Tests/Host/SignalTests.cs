using System.Diagnostics;
using System.Runtime.InteropServices;
using SignActors.Host;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>
/// SIGTERM sent to a real `signactors run` process: the open round finishes, a checkpoint is written,
/// the run directory is complete, the exit code is 143; `--resume` goes on in the same folder and ends
/// with the uninterrupted run's hash. (SIGTERM, not SIGINT: a shell starts background jobs with SIGINT
/// ignored, and an ignored signal stays ignored in the process it starts; both take the same path.)
/// </summary>
[Collection("host-runs")]
public class SignalTests
{
    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    const int SIGTERM = 15;

    static string Config(string output) => $$"""
        signactors {
          nodes = 2
          rounds = 24
          model { name = mlp, batch-size = 8 }
          evaluation { every = 0, probe-records = 20 }
          data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
          # Every vote leaves 150 ms late: rounds slow enough to interrupt mid-run.
          faults.stragglers = [ { nodes = [0, 1], probability = 1, distribution = fixed, mean-ms = 150 } ]
          output.directory = "{{output}}"
        }
        """;

    static string FinalHash(string runDirectory) => File.ReadAllLines(Path.Combine(runDirectory, "outcome.txt"))[2];

    static long[] Rounds(string runDirectory) =>
        File.ReadAllLines(Path.Combine(runDirectory, "metrics.csv")).Skip(1).Select(l => long.Parse(l[..l.IndexOf(',')])).ToArray();

    [Fact]
    public async Task SIGTERM_checkpoints_the_run_and_resume_continues_it_bit_identically_in_the_same_folder()
    {
        string root = Path.Combine(Path.GetTempPath(), $"signactors-signal-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string reference = Path.Combine(root, "reference.conf"), interrupted = Path.Combine(root, "interrupted.conf");
        File.WriteAllText(reference, Config(Path.Combine(root, "reference")));
        File.WriteAllText(interrupted, Config(Path.Combine(root, "interrupted")));
        Assert.Equal(0, CommandTests.Run("run", reference).Code);
        string uninterrupted = Directory.GetDirectories(Path.Combine(root, "reference")).Single();

        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "run", interrupted])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        Directory.CreateDirectory(Path.Combine(root, "interrupted"));
        string metrics() => Directory.GetFiles(Path.Combine(root, "interrupted"), "metrics.csv", SearchOption.AllDirectories).SingleOrDefault() ?? "";
        var waited = Stopwatch.StartNew();
        // Waits until the run has closed 4 rounds (a wait-until polled every 50 ms, capped at 60 s; nothing is timed).
        while (!(File.Exists(metrics()) && File.ReadAllLines(metrics()).Length > 4) && waited.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited) Thread.Sleep(50);
        Assert.False(process.HasExited, "the run ended before it could be interrupted");
        Assert.Equal(0, kill(process.Id, SIGTERM));
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the run did not stop within 60 s of SIGTERM");
        string printed = await output;
        Assert.True(process.ExitCode == 143, $"exit code {process.ExitCode}; output:\n{printed}");

        string run = Path.GetDirectoryName(metrics())!;
        var outcome = File.ReadAllLines(Path.Combine(run, "outcome.txt"));
        Assert.Equal("stopped", outcome[0]);
        long stoppedAfter = long.Parse(outcome[1]["rounds ".Length..]);
        Assert.InRange(stoppedAfter, 4, 23);
        Assert.Equal($"SIGTERM; resume from {Path.Combine(run, "checkpoint.bin")}", outcome[3]);
        Assert.Equal(Enumerable.Range(1, (int)stoppedAfter).Select(t => (long)t), Rounds(run));
        Assert.True(File.Exists(Path.Combine(run, "final-parameters.bin")));
        Assert.Contains("to continue: signactors run", printed);
        // A clean run, stopped on request, warns of nothing (its own process: nothing else writes to its log).
        Assert.DoesNotMatch(" (WARN|ERROR) ", File.ReadAllText(Path.Combine(run, "run.log")));

        var resumed = CommandTests.Run("run", interrupted, "--resume", Path.Combine(run, "checkpoint.bin"));
        Assert.True(resumed.Code == 0, resumed.Out + resumed.Err);
        Assert.Equal(new[] { run }, Directory.GetDirectories(Path.Combine(root, "interrupted")));
        Assert.Equal(Enumerable.Range(1, 24).Select(t => (long)t), Rounds(run));
        Assert.Equal(FinalHash(uninterrupted), FinalHash(run));
        Directory.Delete(root, recursive: true);
    }
}
