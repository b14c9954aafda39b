using System.Diagnostics;
using System.Runtime.InteropServices;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Federation;
using SignActors.Training.Runs;

namespace SignActors.Experiments;

/// <summary>
/// A stage's runs k at a time, each `signactors run` in a child process of its own: torch's thread
/// count and NLog's configuration are process-wide, so runs sharing a process would mix them. A
/// child gets its run's config as written, plus <c>compute.threads</c> when the parent sets it
/// (k × threads ≤ cores), which no run's parameters depend on, so every hash is the one the run
/// gets alone. A signal to the parent reaches every child (SIGINT from a terminal reaches them
/// anyway): each finishes its round, writes its checkpoint and exits, and no new run starts.
/// </summary>
internal sealed class ParallelRuns(int parallel, int? computeThreads, ExperimentProgress progress)
{
    public int? Execute(IReadOnlyList<ExperimentRunner.PendingRun> pending, Func<ExperimentRunner.PendingRun, ExperimentRunner.RunOutcome, int?> record)
    {
        var running = new Dictionary<Task<ExperimentRunner.RunOutcome>, (ExperimentRunner.PendingRun Run, Process Child)>();
        int? signal = null;
        bool stopping = false;
        void Forward(PosixSignalContext context)
        {
            context.Cancel = true; // the parent waits for its children's checkpoints
            stopping = true;
            lock (running)
                foreach (var (_, child) in running.Values)
                    if (!child.HasExited) _ = kill(child.Id, context.Signal == PosixSignal.SIGINT ? 2 : 15);
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        int next = 0;
        while (true)
        {
            while (!stopping && signal is null && next < pending.Count && running.Count < parallel)
            {
                var run = pending[next++];
                var (child, outcome) = Start(run);
                lock (running) running.Add(outcome, (run, child));
            }
            if (running.Count == 0) break;
            Task<ExperimentRunner.RunOutcome>[] tasks;
            lock (running) tasks = running.Keys.ToArray();
            var done = tasks[Task.WaitAny(tasks)];
            ExperimentRunner.PendingRun finished;
            lock (running) { finished = running[done].Run; running.Remove(done); }
            signal ??= record(finished, done.GetAwaiter().GetResult());
        }
        return signal ?? (stopping ? 130 : null);
    }

    /// <summary>Starts one run's child; the task ends with its exit code, its refusal line (exit 2) and its duration.</summary>
    (Process Child, Task<ExperimentRunner.RunOutcome> Outcome) Start(ExperimentRunner.PendingRun run)
    {
        if (File.Exists(Path.Combine(run.Directory, ExperimentRunner.RefusedFile))) File.Delete(Path.Combine(run.Directory, ExperimentRunner.RefusedFile));
        string config = Path.Combine(Path.GetTempPath(), $"signactors-run-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, File.ReadAllText(run.Config) + (computeThreads is int t ? $"signactors.compute.threads = {t}\n" : ""));
        var arguments = new List<string> { "run", config };
        if (ResumableCheckpoint(run) is { } checkpoint)
        {
            progress.Say($"{run.Prefix}: resuming from its checkpoint");
            arguments.AddRange(["--resume", checkpoint]);
        }
        var child = Process.Start(SelfStart(arguments)) ?? throw new InvalidOperationException($"{run.Prefix}: could not start a child process");
        var clock = Stopwatch.StartNew();
        var error = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.BaseStream.CopyToAsync(Stream.Null); // progress lines: the parent prints its own
        var outcome = Task.Run(async () =>
        {
            await child.WaitForExitAsync();
            await output;
            string[] lines = (await error).Trim().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            File.Delete(config);
            int code = child.ExitCode;
            if (code is not (0 or 1 or 2 or 130 or 143))
                throw new InvalidOperationException($"{run.Prefix}: its process ended with exit code {code}: {lines.LastOrDefault() ?? "no message"}");
            string? refusal = code == 2 ? (lines.LastOrDefault() ?? "refused").Replace("signactors: ", "") : null;
            return new ExperimentRunner.RunOutcome(code, refusal, clock.Elapsed);
        });
        return (child, outcome);
    }

    /// <summary>The run's checkpoint when it belongs to the run's config; one that does not (or is damaged) is deleted, and the run starts afresh.</summary>
    string? ResumableCheckpoint(ExperimentRunner.PendingRun run)
    {
        string checkpoint = Path.Combine(run.Directory, RunDirectory.CheckpointFile);
        if (!File.Exists(checkpoint)) return null;
        try
        {
            string fingerprint = RunFingerprint.Of(RunSettings.Read(RunConfig.Load(run.Config)));
            if (Checkpoint.Read(checkpoint).Fingerprint == fingerprint) return checkpoint;
            progress.Say($"{run.Prefix}: its checkpoint was written by a different run; starting it afresh");
        }
        catch (CheckpointException e) { progress.Say($"{run.Prefix}: {e.Message}; starting it afresh"); }
        File.Delete(checkpoint);
        return null;
    }

    /// <summary>This program again: the apphost beside the assembly, else `dotnet signactors.dll` (a test host, say).</summary>
    internal static ProcessStartInfo SelfStart(IEnumerable<string> arguments)
    {
        string directory = AppContext.BaseDirectory;
        string apphost = Path.Combine(directory, OperatingSystem.IsWindows() ? "signactors.exe" : "signactors");
        var start = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(directory, "signactors.dll") } };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        (start.RedirectStandardOutput, start.RedirectStandardError, start.UseShellExecute) = (true, true, false);
        return start;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}
