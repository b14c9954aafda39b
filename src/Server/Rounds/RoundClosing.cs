using SignActors.Training.Faults;

namespace SignActors.Server.Rounds;

/// <summary>What the coordinator does with the open round at its deadline (SPEC §6.4).</summary>
public enum DeadlineDecision
{
    /// <summary>Enough votes: close with those that came.</summary>
    Close,
    /// <summary>Below min-quorum, extensions left: wait one more deadline.</summary>
    Extend,
    /// <summary>Below min-quorum with every extension used: stop the run.</summary>
    Fail,
}

/// <summary>What follows a closed round.</summary>
public enum AfterClose
{
    /// <summary>Open round t + 1 at once.</summary>
    NextRound,
    /// <summary>Collect the nodes' states and write a checkpoint first (then the next round, or the stop).</summary>
    Checkpoint,
    /// <summary>A stop was asked for and there is nowhere to checkpoint: stop now.</summary>
    Stop,
    /// <summary>It was the last round: confirm the replicas' hashes and finish.</summary>
    Finish,
}

/// <summary>When a round closes (SPEC §6.4), as pure functions of the round's facts.</summary>
public static class RoundClosing
{
    /// <summary>
    /// Every live participant has voted, and so has every participant a configured crash brings back
    /// by <paramref name="round"/> (a crashed node, its actor gone, is not waited for; one due back
    /// is). <paramref name="participants"/> null: every node takes part.
    /// </summary>
    public static bool AllExpectedVoted(IReadOnlyCollection<int> voted, IEnumerable<int> live, FaultPlan faults, long round, IReadOnlySet<int>? participants = null)
    {
        if (voted.Count == 0) return false;
        var liveIds = live as IReadOnlyCollection<int> ?? live.ToArray();
        if (participants is null && voted.Count < liveIds.Count) return false; // some live node has not voted (checked in O(1) on every vote)
        foreach (int j in liveIds)
            if ((participants is null || participants.Contains(j)) && !voted.Contains(j)) return false;
        foreach (var (j, node) in faults.Nodes)
            if (node.Crash is { } crash && crash.RejoinRound <= round && (participants is null || participants.Contains(j)) && !liveIds.Contains(j)) return false;
        return true;
    }

    /// <param name="checkpointDue">checkpoint.every falls on this round.</param>
    /// <param name="stopRequested">A signal asked the run to stop (it checkpoints wherever it can).</param>
    public static AfterClose After(long round, long rounds, bool checkpointDue, bool stopRequested, bool canCheckpoint) =>
        round >= rounds ? AfterClose.Finish
        : (checkpointDue || stopRequested) && canCheckpoint ? AfterClose.Checkpoint
        : stopRequested ? AfterClose.Stop
        : AfterClose.NextRound;

    public static DeadlineDecision AtDeadline(RoundPolicy policy, int votes, int extensionsUsed) =>
        votes >= policy.MinQuorum ? DeadlineDecision.Close
        : extensionsUsed < policy.MaxExtensions ? DeadlineDecision.Extend
        : DeadlineDecision.Fail;
}
