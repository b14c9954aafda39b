namespace SignActors.Server.Rounds;

/// <summary>
/// The round times so far, and the two waits that follow them: how long without a vote before a
/// node that has not voted is sent StartRound again (Akka.Remote delivers at most once), and how
/// long without a vote before the watchdog stops the run. Both grow with the measured round time, so a
/// slow federation is neither nagged with resends nor stopped for being slow.
/// </summary>
public sealed class RoundTiming
{
    public static readonly TimeSpan FirstResend = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MinResend = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MinWatchdog = TimeSpan.FromSeconds(60);
    const int ResendFactor = 4, WatchdogFactor = 20;

    readonly List<double> _sortedMs = new();

    public int Count => _sortedMs.Count;

    public void Record(TimeSpan roundTime)
    {
        double ms = roundTime.TotalMilliseconds;
        int at = _sortedMs.BinarySearch(ms);
        _sortedMs.Insert(at < 0 ? ~at : at, ms);
    }

    /// <summary>The median round time so far (the lower middle of an even count); zero before any round closed.</summary>
    public TimeSpan Median => _sortedMs.Count == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(_sortedMs[(_sortedMs.Count - 1) / 2]);

    /// <summary>max(5 s, 4 × median); 30 s before any round has closed (the first round also loads and JITs).</summary>
    public TimeSpan ResendAfter => _sortedMs.Count == 0 ? FirstResend : Max(MinResend, Median * ResendFactor);

    /// <summary>max(60 s, 20 × median): no vote for this long (the coordinator counts from the round's last progress) means the run is stuck.</summary>
    public TimeSpan WatchdogAfter => Max(MinWatchdog, Median * WatchdogFactor);

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a >= b ? a : b;
}
