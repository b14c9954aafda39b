using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;
using SignActors.Server;

namespace SignActors.Runtime.Cluster;

/// <summary>A gap between two heartbeats from one member, as this host's failure detector saw it.</summary>
public sealed record HeartbeatGap(string Member, TimeSpan Gap);

/// <summary>
/// Akka's phi-accrual failure detector, unchanged in what it decides, that also publishes on the
/// event stream each gap between heartbeats from its member (one a heartbeat interval). A large message ahead of
/// the heartbeats on a pair's one TCP connection shows here first, long before it marks the member
/// unreachable: the run reports how close it came (<see cref="HeartbeatWatch"/>). Named by
/// <c>akka.cluster.failure-detector.implementation-class</c>; Akka creates one per monitored member
/// and calls it from the cluster's heartbeat actor.
/// </summary>
public sealed class HeartbeatGapDetector : PhiAccrualFailureDetector
{
    public static readonly string TypeName = $"{typeof(HeartbeatGapDetector).FullName}, {typeof(HeartbeatGapDetector).Assembly.GetName().Name}";

    readonly EventStream _events;
    readonly Func<TimeSpan> _now;
    TimeSpan? _last;

    public HeartbeatGapDetector(Config config, EventStream events) : this(config, events, () => Stopwatch.GetElapsedTime(0)) { }

    /// <param name="now">The clock the gaps are measured with (a test's own); Akka's decision keeps Akka's clock.</param>
    public HeartbeatGapDetector(Config config, EventStream events, Func<TimeSpan> now) : base(config, events) => (_events, _now) = (events, now);

    public override void HeartBeat()
    {
        var now = _now();
        if (_last is { } last) _events.Publish(new HeartbeatGap(Address, now - last));
        _last = now;
        base.HeartBeat();
    }
}

/// <summary>
/// Keeps the longest heartbeat gap per member that this host's failure detector saw, and on the
/// server the longest after round 1 (which also loads data, builds models and JIT-compiles, so a
/// busy machine starves every thread then); answers <see cref="Longest"/> with <see cref="Gaps"/>.
/// </summary>
public sealed class HeartbeatWatch : ReceiveActor
{
    public const string Name = "heartbeat-watch";

    public sealed class Longest
    {
        public static readonly Longest Instance = new();
    }

    /// <param name="AfterFirstRound">The longest gap that ended after round 2 opened; null where no round opened after round 1.</param>
    public sealed record Gaps(IReadOnlyDictionary<string, TimeSpan> PerMember, TimeSpan? AfterFirstRound);

    public HeartbeatWatch()
    {
        var longest = new Dictionary<string, TimeSpan>();
        TimeSpan? after = null;
        long round = 0;
        Receive<HeartbeatGap>(g =>
        {
            if (!longest.TryGetValue(g.Member, out var known) || g.Gap > known) longest[g.Member] = g.Gap;
            if (round > 1 && (after is not { } a || g.Gap > a)) after = g.Gap;
        });
        Receive<RoundOpened>(r => round = Math.Max(round, r.Round));
        Receive<Longest>(_ => Sender.Tell(new Gaps(longest.ToDictionary(), after)));
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe<HeartbeatGap>(Self);
        Context.System.EventStream.Subscribe<RoundOpened>(Self); // the server's coordinator publishes it
    }

    public static Props Props() => Akka.Actor.Props.Create<HeartbeatWatch>();

    /// <summary>
    /// "heartbeats: longest gap 2.41 s (from X; 1.20 s after round 1) of the 3 s pause the failure
    /// detector accepts"; null when no member sent two heartbeats.
    /// </summary>
    public static string? Line(Gaps gaps, TimeSpan acceptable)
    {
        if (gaps.PerMember.Count == 0) return null;
        var (member, gap) = gaps.PerMember.MaxBy(p => p.Value);
        string after = gaps.AfterFirstRound is { } a ? $"; {a.TotalSeconds:F2} s after round 1" : "";
        return $"heartbeats: longest gap {gap.TotalSeconds:F2} s (from {member}{after}) of the {acceptable.TotalSeconds:0.##} s pause the failure detector accepts"
            + (gap > acceptable ? " (past it: the detector may have marked the member unreachable)" : "");
    }
}
