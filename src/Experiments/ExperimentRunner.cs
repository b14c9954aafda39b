using System.Globalization;
using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Federation;

namespace SignActors.Experiments;

/// <summary>
/// Runs a stage's runs (the tuning runs, or the final grid), each in its own folder
/// <c>&lt;stage&gt;/runs/&lt;name&gt;</c> with its config in <c>&lt;stage&gt;/configs</c>. A run already complete with
/// the same config is skipped; one stopped earlier goes on from its checkpoint; one whose config
/// changed (a new tuning choice) runs afresh. A degraded run (it lost part of its federation) is a
/// result and is kept, unless <paramref name="rerunDegraded"/>. A run the config checks refuse is
/// recorded (its <c>refused.txt</c>) and the stage goes on; a signal stops the stage, and the same
/// command resumes. With <paramref name="parallel"/> above 1, that many runs go at once, each in a
/// child process of its own (<see cref="ParallelRuns"/>); one at a time they run in this process.
/// </summary>
public sealed class ExperimentRunner(string experimentFile, string baseConfig, long baseRounds, ExperimentProgress progress, bool rerunDegraded = false,
    RunShare? share = null, int parallel = 1, int? childComputeThreads = null)
{
    public const string RefusedFile = "refused.txt";

    /// <summary>A run ready to go: its folder and config written, not complete, not stopped for good.</summary>
    internal sealed record PendingRun(string Directory, string Config, string Prefix, long Rounds);

    /// <summary>
    /// Runs every run of this process's share not yet complete; the signal's exit code when one stopped it, else null.
    /// <paramref name="stopped"/> counts runs that ran and did not complete, <paramref name="refused"/>
    /// those the config checks refused (a Krum cell with too many attackers: not applicable, not a failure).
    /// </summary>
    /// <param name="showTest">Whether the per-run line shows test metrics (never for tuning runs).</param>
    public int? Execute(IReadOnlyList<GridRun> runs, string stage, string heading, bool showTest, out int stopped, out int refused)
    {
        (stopped, refused) = (0, 0);
        Directory.CreateDirectory(Path.Combine(stage, "runs"));
        Directory.CreateDirectory(Path.Combine(stage, "configs"));
        var pending = new List<PendingRun>();
        var take = share ?? RunShare.All;
        for (int i = 0; i < runs.Count; i++)
        {
            if (!take.Takes(i)) continue;
            var run = runs[i];
            string runDirectory = Path.Combine(stage, "runs", run.Name), runConfig = Path.Combine(stage, "configs", run.Name + ".conf");
            string prefix = $"[{heading} {i + 1}/{runs.Count}] {run.Name}";
            long rounds = RoundsOf(run, baseRounds);
            string own = string.Concat(run.Settings.Select(s => $"signactors.{s.Key} = {s.Hocon}\n"));
            string output = $"signactors.output {{ directory = \"{Escape(Path.Combine(stage, "runs"))}\", name = \"{run.Name}\" }}\n";
            if (File.Exists(runConfig) && Directory.Exists(runDirectory) && !SameSettings(File.ReadAllText(runConfig), own))
            {
                progress.Say($"{prefix}: its settings changed since it ran; running it afresh");
                Directory.Delete(runDirectory, recursive: true);
            }
            File.WriteAllText(runConfig, baseConfig + own + output);
            string? degraded = Degraded(runDirectory);
            if (degraded is not null && rerunDegraded)
            {
                progress.Say($"{prefix}: {degraded}; running it afresh (--rerun-degraded)");
                Directory.Delete(runDirectory, recursive: true);
                degraded = null;
            }
            if (IsComplete(runDirectory))
            {
                progress.Skipped(rounds, $"{prefix}: already complete{(degraded is null ? "" : " and degraded (kept as a result; --rerun-degraded runs it again)")}, skipped");
                continue;
            }
            if (StoppedForGood(runDirectory))
            {
                progress.Skipped(rounds, $"{prefix}: already ran and stopped at round {RunResult.Of(runDirectory).Rounds} (its outcome.txt says why), skipped");
                stopped++;
                continue;
            }
            pending.Add(new PendingRun(runDirectory, runConfig, prefix, rounds));
        }
        int ranStopped = 0, ranRefused = 0;
        int? signal = parallel > 1
            ? new ParallelRuns(parallel, childComputeThreads, progress).Execute(pending, (run, outcome) => Record(run, outcome, showTest, ref ranStopped, ref ranRefused))
            : Sequential(pending, showTest, ref ranStopped, ref ranRefused);
        (stopped, refused) = (stopped + ranStopped, refused + ranRefused);
        return signal;
    }

    int? Sequential(IReadOnlyList<PendingRun> pending, bool showTest, ref int stopped, ref int refused)
    {
        foreach (var run in pending)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            RunOutcome outcome;
            try { outcome = new RunOutcome(Execute(run.Config, run.Directory, run.Prefix), null, clock.Elapsed); }
            catch (ConfigurationException e) { outcome = new RunOutcome(2, e.Message, clock.Elapsed); }
            if (Record(run, outcome, showTest, ref stopped, ref refused) is { } signal) return signal;
        }
        return null;
    }

    /// <summary>How one run ended: its exit code, the refusal's line (exit 2), and how long it took.</summary>
    internal readonly record struct RunOutcome(int Code, string? Refusal, TimeSpan Took);

    /// <summary>Books a finished run: refused, stopped by a signal (returned), stopped, or done, with its progress line.</summary>
    int? Record(PendingRun run, RunOutcome outcome, bool showTest, ref int stopped, ref int refused)
    {
        if (outcome.Code == 2)
        {
            Directory.CreateDirectory(run.Directory);
            File.WriteAllText(Path.Combine(run.Directory, RefusedFile), outcome.Refusal + "\n");
            progress.Skipped(run.Rounds, $"{run.Prefix}: refused: {outcome.Refusal}"); // done, and no part of the rate
            refused++;
            return null;
        }
        if (outcome.Code is 130 or 143)
        {
            progress.Say($"{run.Prefix}: stopped by a signal after its checkpoint; `signactors experiment {experimentFile}` resumes it");
            return outcome.Code;
        }
        if (outcome.Code != 0) stopped++;
        var last = RunResult.Of(run.Directory);
        string result = (double.IsFinite(last.Validation) ? FormattableString.Invariant($", val acc {last.Validation * 100:F1} %") : "")
            + (showTest && double.IsFinite(last.Accuracy) ? FormattableString.Invariant($", test acc {last.Accuracy * 100:F1} %, test loss {last.Loss:F3}") : "");
        progress.Finished(run.Rounds, outcome.Took, FormattableString.Invariant($"{run.Prefix}: {(outcome.Code == 0 ? "done" : "stopped")} in {outcome.Took.TotalSeconds:F0} s{result}")
            + (Degraded(run.Directory) is { } line ? $"; {line}" : ""));
        return null;
    }

    /// <summary>
    /// Whether a run's earlier config had these settings of its own (grid values, the tuning choice).
    /// Its last line, the output folder, is where the experiment lies, not what ran (a clone
    /// elsewhere resumes); the base file is the user's to keep stable.
    /// </summary>
    static bool SameSettings(string earlier, string own)
    {
        string withoutOutput = earlier[..(earlier.TrimEnd('\n').LastIndexOf('\n') + 1)];
        return withoutOutput.EndsWith("\n" + own, StringComparison.Ordinal);
    }

    /// <summary>The rounds a run runs: its own <c>rounds</c> setting, or the experiment's.</summary>
    public static long RoundsOf(GridRun run, long baseRounds) =>
        run.Settings.LastOrDefault(s => s.Key == "rounds").Hocon is { } r && long.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out long x) ? x : baseRounds;

    /// <summary>One run; a run stopped earlier (a signal, a killed process) goes on from its checkpoint when it has one of this config.</summary>
    int Execute(string runConfig, string runDirectory, string prefix)
    {
        if (File.Exists(Path.Combine(runDirectory, RefusedFile))) File.Delete(Path.Combine(runDirectory, RefusedFile));
        string checkpoint = Path.Combine(runDirectory, RunDirectory.CheckpointFile);
        if (!File.Exists(checkpoint)) return RunCommand.Execute(runConfig, TextWriter.Null);
        try
        {
            progress.Say($"{prefix}: resuming from its checkpoint");
            return RunCommand.Execute(runConfig, TextWriter.Null, checkpoint);
        }
        catch (Training.Runs.CheckpointException e)
        {
            progress.Say($"{prefix}: {e.Message}; starting it afresh");
            File.Delete(checkpoint);
            return RunCommand.Execute(runConfig, TextWriter.Null);
        }
    }

    /// <summary>A run's participation line when it says degraded; null otherwise.</summary>
    static string? Degraded(string runDirectory) =>
        RunDirectory.Participation(runDirectory) is var line && RunDirectory.IsDegraded(line) ? line : null;

    /// <summary>
    /// A run is complete when its outcome says every round ran and its metrics.csv reaches the last
    /// of them (the last round always has a row, whatever output.metrics-every thins out before it).
    /// </summary>
    static bool IsComplete(string runDirectory)
    {
        string metrics = Path.Combine(runDirectory, RunDirectory.MetricsFile), outcome = Path.Combine(runDirectory, RunDirectory.OutcomeFile);
        if (!RunDirectory.Completed(runDirectory) || !File.Exists(metrics)) return false;
        string? rounds = File.ReadLines(outcome).Skip(1).FirstOrDefault();
        string? last = File.ReadLines(metrics).Skip(1).LastOrDefault(line => line.Length > 0);
        return rounds is not null && rounds.StartsWith("rounds ", StringComparison.Ordinal) && last is not null
            && long.TryParse(rounds[7..], NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
            && long.TryParse(last.AsSpan(0, Math.Max(0, last.IndexOf(','))), NumberStyles.Integer, CultureInfo.InvariantCulture, out long reached) && reached == n;
    }

    /// <summary>
    /// A run that stopped before its last round with nothing to resume from — it diverged, say — is
    /// a result, not unfinished work: running it again would stop the same way. One stopped by a
    /// signal has its checkpoint and goes on; delete a run's folder to run it afresh.
    /// </summary>
    static bool StoppedForGood(string runDirectory) =>
        File.Exists(Path.Combine(runDirectory, RunDirectory.OutcomeFile)) && !RunDirectory.Completed(runDirectory)
        && !File.Exists(Path.Combine(runDirectory, RunDirectory.CheckpointFile));

    static string Escape(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");
}

/// <summary>
/// A run's last evaluation — test accuracy and loss, ‖∇f‖₁ and ‖∇f‖₂, validation accuracy and loss
/// (NaN where absent) — the mean bits a round each way, whether it completed, the rounds in its
/// metrics.csv, why it was refused, if it was, and its outcome's participation line (null for a run
/// written before runs reported their participation); and the stationarity measure, the mean of
/// ‖∇f(x_t)‖₁ and ‖∇f(x_t)‖₂ over the rounds it drew (NaN when the run drew none).
/// </summary>
public readonly record struct RunResult(double Accuracy, double Loss, double GradientL1, double GradientL2, double Validation, double ValidationLoss,
    double BitsUpPerRound, double BitsDownPerRound, bool Completed, long Rounds, string? Refused, string? Participation = null,
    double StationarityL1 = double.NaN, double StationarityL2 = double.NaN)
{
    /// <summary>An evaluation row was written: test accuracy, or f − f* alone (an objective's runs have no accuracy).</summary>
    public bool HasEvaluation => double.IsFinite(Accuracy) || double.IsFinite(Loss);

    /// <summary>The run lost part of its federation unplanned (<see cref="DegradedRuns"/>).</summary>
    public bool Degraded => RunDirectory.IsDegraded(Participation);

    public static RunResult Of(string runDirectory)
    {
        string refusedFile = Path.Combine(runDirectory, ExperimentRunner.RefusedFile);
        string? refused = File.Exists(refusedFile) ? File.ReadAllText(refusedFile).Trim() : null;
        string metrics = Path.Combine(runDirectory, RunDirectory.MetricsFile);
        bool completed = RunDirectory.Completed(runDirectory);
        string? participation = RunDirectory.Participation(runDirectory);
        if (!File.Exists(metrics)) return new RunResult(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, completed, 0, refused, participation);
        var c = RunPlots.Read(metrics, new[] { "test_accuracy", "test_loss", "grad_l1", "grad_l2", "val_accuracy", "val_loss", "train_loss", "bits_up", "bits_down", "full_grad_l1", "full_grad_l2" }, absentIsEmpty: true);
        long rounds = c[6].Count == 0 ? 0 : c[6].Keys.Max();
        double PerRound(int column) => c[column].Count == 0 ? double.NaN : c[column].Values.Average();
        // The last evaluation round: gradient norms are taken at every evaluation, with or without the test set.
        long last = c[2].Count == 0 ? -1 : c[2].Keys.Max();
        double At(int column) => c[column].GetValueOrDefault(last, double.NaN);
        return new RunResult(At(0), At(1), At(2), At(3), At(4), At(5), PerRound(7), PerRound(8), completed, rounds, refused, participation, PerRound(9), PerRound(10));
    }
}
