using System.Diagnostics;
using System.Globalization;

namespace SignActors.Experiments;

/// <summary>
/// The whole experiment's progress on one line: runs done / total, elapsed, and the ETA from the
/// time per round of the runs executed so far (skipped runs cost nothing; tuning runs are shorter).
/// On a terminal the line updates in place every second beneath the per-run lines; otherwise each
/// finished run's line ends with it.
/// </summary>
public sealed class ExperimentProgress : IDisposable
{
    readonly TextWriter _output;
    readonly int _runs;
    readonly long _rounds;
    readonly bool _live;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly Timer? _timer;
    readonly object _gate = new();
    int _done;
    long _roundsDone, _roundsRun;
    TimeSpan _timeRunning;

    /// <param name="rounds">Rounds of all the experiment's runs together.</param>
    /// <param name="live">Redraw the line in place (a terminal).</param>
    public ExperimentProgress(TextWriter output, int runs, long rounds, bool live)
    {
        (_output, _runs, _rounds, _live) = (output, runs, rounds, live);
        if (live) _timer = new Timer(_ => Redraw(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Whether <paramref name="output"/> is the console of a terminal.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>A run already complete, or refused: done, and no part of the rate.</summary>
    public void Skipped(long rounds, string line)
    {
        lock (_gate)
        {
            (_done, _roundsDone) = (_done + 1, _roundsDone + rounds);
            Write(line);
        }
    }

    /// <summary>A run that just ran <paramref name="rounds"/> rounds in <paramref name="took"/>.</summary>
    public void Finished(long rounds, TimeSpan took, string line)
    {
        lock (_gate)
        {
            (_done, _roundsDone, _roundsRun, _timeRunning) = (_done + 1, _roundsDone + rounds, _roundsRun + rounds, _timeRunning + took);
            Write(_live ? line : $"{line} · {Status()}");
        }
    }

    /// <summary>A line that is not a run's (a stage's heading).</summary>
    public void Say(string line)
    {
        lock (_gate) Write(line);
    }

    public string Status()
    {
        var eta = Eta(_timeRunning, _roundsRun, _rounds - _roundsDone);
        return $"{_done}/{_runs} runs, {Format(_clock.Elapsed)} elapsed, ETA {(eta is { } e ? Format(e) : "—")}";
    }

    /// <summary>The time left at the rate so far: <paramref name="spent"/> per <paramref name="roundsRun"/>, times the rounds left; null before any round ran.</summary>
    public static TimeSpan? Eta(TimeSpan spent, long roundsRun, long roundsLeft) =>
        roundsRun <= 0 ? null : TimeSpan.FromSeconds(spent.TotalSeconds / roundsRun * Math.Max(0, roundsLeft));

    /// <summary>"45 s", "12 m 05 s", "3 h 20 m".</summary>
    public static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes:00} m")
        : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} m {t.Seconds:00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalSeconds} s");

    void Write(string line)
    {
        if (_live) _output.Write("\r\x1b[K");
        _output.WriteLine(line);
        if (_live) _output.Write(Status());
        _output.Flush();
    }

    void Redraw()
    {
        lock (_gate)
        {
            _output.Write("\r\x1b[K" + Status());
            _output.Flush();
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate) if (_live) _output.WriteLine();
    }
}
