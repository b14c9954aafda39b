using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.TestKit.Xunit2;
using SignActors.Runtime.Cluster;
using SignActors.Server;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>The failure detector's gaps reach the watch, which keeps the longest per member and, on the server, the longest after round 1.</summary>
public class HeartbeatGapsTests : TestKit
{
    static readonly Config Detector = ConfigurationFactory.ParseString("""
        threshold = 8.0
        max-sample-size = 1000
        min-std-deviation = 100 ms
        acceptable-heartbeat-pause = 3 s
        heartbeat-interval = 1 s
        """);

    [Fact]
    public void The_detector_publishes_the_time_between_two_heartbeats_and_decides_as_Akkas()
    {
        var gaps = CreateTestProbe();
        Sys.EventStream.Subscribe<HeartbeatGap>(gaps.Ref);
        var now = TimeSpan.FromSeconds(10);
        var detector = new HeartbeatGapDetector(Detector, Sys.EventStream, () => now) { Address = "akka.tcp://signactors@10.0.0.2:4053" };
        detector.HeartBeat(); // the first: nothing to measure
        gaps.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        now += TimeSpan.FromMilliseconds(250);
        detector.HeartBeat();
        var gap = gaps.ExpectMsg<HeartbeatGap>();
        Assert.Equal("akka.tcp://signactors@10.0.0.2:4053", gap.Member);
        Assert.Equal(TimeSpan.FromMilliseconds(250), gap.Gap);
        Assert.True(detector.IsAvailable);
    }

    [Fact]
    public async Task The_watch_keeps_the_longest_gap_per_member_and_the_longest_after_round_1()
    {
        var watch = Sys.ActorOf(HeartbeatWatch.Props());
        watch.Tell(new RoundOpened(1));
        watch.Tell(new HeartbeatGap("a", TimeSpan.FromSeconds(3.2))); // round 1: a busy start
        watch.Tell(new HeartbeatGap("b", TimeSpan.FromSeconds(1.1)));
        watch.Tell(new RoundOpened(2));
        watch.Tell(new HeartbeatGap("b", TimeSpan.FromSeconds(1.9)));
        watch.Tell(new HeartbeatGap("a", TimeSpan.FromSeconds(1.4)));
        var gaps = await watch.Ask<HeartbeatWatch.Gaps>(HeartbeatWatch.Longest.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(3.2), gaps.PerMember["a"]);
        Assert.Equal(TimeSpan.FromSeconds(1.9), gaps.PerMember["b"]);
        Assert.Equal(TimeSpan.FromSeconds(1.9), gaps.AfterFirstRound);
        Assert.Equal("heartbeats: longest gap 3.20 s (from a; 1.90 s after round 1) of the 3 s pause the failure detector accepts (past it: the detector may have marked the member unreachable)",
            HeartbeatWatch.Line(gaps, TimeSpan.FromSeconds(3)));
        Assert.Null(HeartbeatWatch.Line(new HeartbeatWatch.Gaps(new Dictionary<string, TimeSpan>(), null), TimeSpan.FromSeconds(3)));
    }
}
