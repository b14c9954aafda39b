using SignActors.Messages;
using SignActors.Messages.Protocol;

namespace SignActors.Server.Rounds;

/// <summary>What the server did with a vote (SPEC §6.3); everything but Accepted is dropped and counted.</summary>
public enum VoteVerdict
{
    Accepted,
    /// <summary>For a round that has already closed.</summary>
    Late,
    /// <summary>For a round that has not started.</summary>
    FutureRound,
    /// <summary>Not from the actor registered under the vote's node id.</summary>
    UnknownSender,
    /// <summary>The node has already voted this round.</summary>
    Duplicate,
    /// <summary>d does not match the model's.</summary>
    WrongLength,
    /// <summary>A payload the algorithm's uplink cannot produce, a non-finite scalar, or per-tensor norms that do not fit.</summary>
    Malformed,
    /// <summary>The node's accepted vote again, sent because the server asked again: counted, not a fault.</summary>
    Repeated,
    /// <summary>From a node not drawn for this round (client sampling).</summary>
    NotParticipant,
}

/// <summary>The acceptance rule of SPEC §6.3 as a pure function.</summary>
public static class VoteAdmission
{
    /// <param name="openRound">The round currently collecting votes; 0 when none is.</param>
    /// <param name="lastClosedRound">The last round that closed.</param>
    /// <param name="fromRegisteredSender">The vote comes from the actor registered under its node id.</param>
    /// <param name="alreadyVoted">That node's vote for the open round was already accepted.</param>
    /// <param name="uplink">The payload the algorithm's uplink declares.</param>
    /// <param name="tensors">Per-tensor norms the vote must carry (S_R with a per-tensor radius: one per parameter tensor); 0 = none.</param>
    public static VoteVerdict Check(Vote vote, long openRound, long lastClosedRound, bool fromRegisteredSender, bool alreadyVoted, int dimension, PayloadKind uplink, int tensors = 0)
    {
        if (vote.Round <= lastClosedRound) return VoteVerdict.Late;
        if (vote.Round != openRound) return VoteVerdict.FutureRound;
        if (!fromRegisteredSender) return VoteVerdict.UnknownSender;
        if (alreadyVoted) return VoteVerdict.Duplicate;
        if (vote.Payload is null || vote.Payload.Length != dimension) return VoteVerdict.WrongLength;
        if (!Fits(vote.Payload, uplink) || !Finite(vote.Scalars) || !NormsFit(vote.TensorNorms, tensors)) return VoteVerdict.Malformed;
        return VoteVerdict.Accepted;
    }

    /// <summary>
    /// The rule with the node's vote already accepted this round (if any): a second vote identical
    /// to it is <see cref="VoteVerdict.Repeated"/> (a resend), a different one a <see cref="VoteVerdict.Duplicate"/>.
    /// </summary>
    public static VoteVerdict Check(Vote vote, long openRound, long lastClosedRound, bool fromRegisteredSender, Vote? accepted, int dimension, PayloadKind uplink, int tensors)
    {
        var verdict = Check(vote, openRound, lastClosedRound, fromRegisteredSender, accepted is not null, dimension, uplink, tensors);
        return verdict == VoteVerdict.Duplicate && vote.Equals(accepted) ? VoteVerdict.Repeated : verdict;
    }

    /// <summary>
    /// How loudly a dropped vote is logged: late votes are what the deadline policy expects from
    /// stragglers and a repeat answers a resend (the log file); anything else is a fault (the console).
    /// </summary>
    public static Akka.Event.LogLevel LogLevelOf(VoteVerdict verdict) => verdict switch
    {
        VoteVerdict.Repeated => Akka.Event.LogLevel.DebugLevel,
        VoteVerdict.Late => Akka.Event.LogLevel.InfoLevel,
        _ => Akka.Event.LogLevel.WarningLevel,
    };

    /// <summary>Whether <paramref name="payload"/> is what an uplink that declares <paramref name="uplink"/> sends, with finite numbers.</summary>
    public static bool Fits(Payload payload, PayloadKind uplink) => payload.Kind == uplink && payload switch
    {
        ScaledSignPayload s => float.IsFinite(s.Scale) && s.Scale >= 0,
        DensePayload d => d.Values.All(float.IsFinite),
        _ => true,
    };

    static bool NormsFit(float[]? norms, int tensors) =>
        tensors == 0 ? norms is null : norms is not null && norms.Length == tensors && norms.All(n => float.IsFinite(n) && n >= 0);

    static bool Finite(VoteScalars s) =>
        float.IsFinite(s.Loss) && float.IsFinite(s.GradientL1) && float.IsFinite(s.GradientL2) && float.IsFinite(s.EstimateLInf) && s.EstimateLInf >= 0;
}
