using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SignActors.Tests.Cluster;

/// <summary>Real `signactors` processes from this test's build output, on loopback.</summary>
public static class HostProcesses
{
    static readonly string Host = Path.Combine(AppContext.BaseDirectory, "signactors.dll");

    /// <summary>A small federation's config: the MLP on a tiny synthetic set, its cluster on 127.0.0.1:<paramref name="port"/>.</summary>
    public static string Config(string output, int port, string extra = "", int rounds = 5, int nodes = 4, string logLevel = "warning") => $$"""
        signactors {
          nodes = {{nodes}}
          rounds = {{rounds}}
          evaluation.every = 0
          {{extra}}
          model { name = mlp, batch-size = 8 }
          data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
          evaluation.probe-records = 50
          output.directory = "{{output}}"
          log-level = {{logLevel}}
          cluster { port = {{port}}, seed-nodes = ["akka.tcp://signactors@127.0.0.1:{{port}}"], stable-after-ms = 2000 }
        }
        """;

    public static Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    public static Process Start(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Host);
        foreach (var a in args) info.ArgumentList.Add(a);
        // A scheduler's variables from the test's own environment (when it runs under one) would mix with the test's.
        foreach (var name in new[] { "SLURM_PROCID", "SLURM_NTASKS", "SLURM_NODELIST", "SLURM_JOB_NODELIST", "SLURMD_NODENAME", "RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT" })
            info.Environment.Remove(name);
        foreach (var (name, value) in env) info.Environment[name] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    public static (int Code, string Output) Finish(Process p, TimeSpan timeout)
    {
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"process did not finish in {timeout}: {output.Result}{error.Result}");
        }
        return (p.ExitCode, output.Result + error.Result);
    }

    public static string Hash(string output) =>
        output.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.StartsWith("final parameter hash ")) ?? throw new Xunit.Sdk.XunitException($"no final hash in:\n{output}");

    /// <summary>The final hash of the same config run in this process (the reference every federation must reach).</summary>
    public static string OneProcessHash(string config)
    {
        var stdout = new StringWriter();
        int code = SignActors.Host.Program.BuildCommand(stdout, new StringWriter()).Parse(new[] { "run", config }).Invoke();
        if (code != 0) throw new Xunit.Sdk.XunitException($"the one-process run exited {code}:\n{stdout}");
        return Hash(stdout.ToString());
    }

    /// <summary>A server whose stdout is read as it comes, so a test can wait for a round.</summary>
    public sealed class Watched
    {
        readonly ConcurrentQueue<string> _lines = new();

        public Watched(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
            process.BeginOutputReadLine();
        }

        public Process Process { get; }
        public string Output => string.Join('\n', _lines);

        public long Round() => _lines.Select(l => Regex.Match(l, @"^round +(\d+)/")).Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value)).DefaultIfEmpty(0).Max();

        /// <summary>Polls the progress lines until round <paramref name="round"/> (a wait-until, not a timing assertion).</summary>
        public void WaitFor(long round, TimeSpan? patience = null)
        {
            var until = DateTime.UtcNow + (patience ?? TimeSpan.FromMinutes(2));
            while (Round() < round && !Process.HasExited && DateTime.UtcNow < until) Thread.Sleep(100);
        }

        /// <summary>Waits for the exit; the code, stdout as read, and stderr.</summary>
        public (int Code, string Output, string Errors) Finish(TimeSpan timeout)
        {
            var errors = Process.StandardError.ReadToEndAsync();
            if (!Process.WaitForExit(timeout))
            {
                Process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the server did not finish in {timeout}: {Output}{errors.Result}");
            }
            Process.WaitForExit();
            return (Process.ExitCode, Output, errors.Result);
        }
    }
}
