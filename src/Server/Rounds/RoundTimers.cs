using Akka.Actor;

namespace SignActors.Server.Rounds;

/// <summary>The coordinator's messages to itself: its timers (each for one round) and a child's failure.</summary>
public static class RoundTimers
{
    public abstract record RoundTimer(long Round) : INoSerializationVerificationNeeded;
    public sealed record RoundDeadline(long Round) : RoundTimer(Round);
    public sealed record ResendStart(long Round) : RoundTimer(Round);
    public sealed record WatchdogTimeout(long Round) : RoundTimer(Round);
    public sealed record NoNodeLeft(long Round) : RoundTimer(Round);
    public sealed record FinalHashTimeout(long Round) : RoundTimer(Round);
    public sealed record ChildFailed(string Reason) : INoSerializationVerificationNeeded;
}
