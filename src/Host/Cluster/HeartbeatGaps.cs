using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;

namespace SignActors.Host.Cluster;

/// <summary>A new longest gap between two heartbeats from one member, as this host's failure detector saw it.</summary>
public sealed record HeartbeatGap(string Member, TimeSpan Gap);

/// <summary>
/// Akka's phi-accrual failure detector, unchanged in what it decides, that also publishes on the
/// event stream each new longest gap between heartbeats from its member. A large message ahead of
/// the heartbeats on a pair's one TCP connection shows here first, long before it marks the member
/// unreachable: the run reports how close it came (<see cref="HeartbeatWatch"/>). Named by
/// <c>akka.cluster.failure-detector.implementation-class</c>; Akka creates one per monitored member
/// and calls it from the cluster's heartbeat actor.
/// </summary>
public sealed class HeartbeatGapDetector : PhiAccrualFailureDetector
{
    public static readonly string TypeName = $"{typeof(HeartbeatGapDetector).FullName}, {typeof(HeartbeatGapDetector).Assembly.GetName().Name}";

    readonly EventStream _events;
    long _last;
    TimeSpan _longest;

    public HeartbeatGapDetector(Config config, EventStream events) : base(config, events) => _events = events;

    public override void HeartBeat()
    {
        long now = Stopwatch.GetTimestamp();
        if (_last != 0 && Stopwatch.GetElapsedTime(_last, now) is var gap && gap > _longest)
        {
            _longest = gap;
            _events.Publish(new HeartbeatGap(Address, gap));
        }
        _last = now;
        base.HeartBeat();
    }
}

/// <summary>Keeps the longest heartbeat gap per member that this host's failure detector reported; answers <see cref="Longest"/>.</summary>
public sealed class HeartbeatWatch : ReceiveActor
{
    public const string Name = "heartbeat-watch";

    public sealed class Longest
    {
        public static readonly Longest Instance = new();
    }

    public HeartbeatWatch()
    {
        var longest = new Dictionary<string, TimeSpan>();
        Receive<HeartbeatGap>(g =>
        {
            if (!longest.TryGetValue(g.Member, out var known) || g.Gap > known) longest[g.Member] = g.Gap;
        });
        Receive<Longest>(_ => Sender.Tell(longest.ToDictionary()));
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe<HeartbeatGap>(Self);

    public static Props Props() => Akka.Actor.Props.Create<HeartbeatWatch>();

    /// <summary>
    /// "heartbeats: longest gap 0.41 s (member X) of the 3 s the failure detector accepts", from the
    /// watch's answer; null when no member sent two heartbeats.
    /// </summary>
    public static string? Line(IReadOnlyDictionary<string, TimeSpan> longest, TimeSpan acceptable)
    {
        if (longest.Count == 0) return null;
        var (member, gap) = longest.MaxBy(p => p.Value);
        return $"heartbeats: longest gap {gap.TotalSeconds:F2} s (from {member}) of the {acceptable.TotalSeconds:0.##} s pause the failure detector accepts"
            + (gap > acceptable ? "; past it: the member was likely marked unreachable" : "");
    }
}
