using Akka.Actor;
using Akka.TestKit.Xunit2;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Server.Metrics;
using SignActors.Server.Rounds;
using SignActors.Training.Algorithms;
using SignActors.Training.Faults;
using Xunit;

namespace SignActors.Tests.Server;

/// <summary>The coordinator's decisions as pure functions: when a round closes, the waits, replica hashes, membership, the metrics row.</summary>
public class RoundDecisionTests : TestKit
{
    static readonly RoundPolicy Deadline = new(RoundPolicyKind.Deadline, DeadlineMs: 1000, MinQuorum: 2, MaxExtensions: 1);

    [Fact]
    public void A_round_closes_when_every_live_node_and_every_node_due_back_has_voted()
    {
        var none = FaultPlan.None;
        Assert.True(RoundClosing.AllExpectedVoted(new[] { 0, 1 }, new[] { 0, 1 }, none, 1));
        Assert.False(RoundClosing.AllExpectedVoted(new[] { 0, 1 }, new[] { 0, 1, 2 }, none, 1));
        Assert.False(RoundClosing.AllExpectedVoted(Array.Empty<int>(), Array.Empty<int>(), none, 1)); // nobody left is not "all voted"
        // Node 2 crashes at round 3 for 2 rounds: not waited for in rounds 3 and 4, waited for from round 5 until it registers.
        var crash = new FaultPlan(new Dictionary<int, NodeFaults> { [2] = new(Crash: new CrashSpec(3, 2)) });
        Assert.True(RoundClosing.AllExpectedVoted(new[] { 0, 1 }, new[] { 0, 1 }, crash, 4));
        Assert.False(RoundClosing.AllExpectedVoted(new[] { 0, 1 }, new[] { 0, 1 }, crash, 5));
        Assert.True(RoundClosing.AllExpectedVoted(new[] { 0, 1, 2 }, new[] { 0, 1, 2 }, crash, 5));
    }

    [Theory]
    [InlineData(2, 0, DeadlineDecision.Close)]
    [InlineData(3, 1, DeadlineDecision.Close)]
    [InlineData(1, 0, DeadlineDecision.Extend)]
    [InlineData(0, 0, DeadlineDecision.Extend)]
    [InlineData(1, 1, DeadlineDecision.Fail)]
    public void At_the_deadline_quorum_closes_below_it_extends_then_fails(int votes, int extensionsUsed, DeadlineDecision expected) =>
        Assert.Equal(expected, RoundClosing.AtDeadline(Deadline, votes, extensionsUsed));

    [Theory]
    [InlineData(3, false, false, true, AfterClose.NextRound)]
    [InlineData(3, true, false, true, AfterClose.Checkpoint)]
    [InlineData(3, false, true, true, AfterClose.Checkpoint)]   // a signal: checkpoint, then stop
    [InlineData(3, false, true, false, AfterClose.Stop)]        // … unless there is nowhere to write it
    [InlineData(3, true, false, false, AfterClose.NextRound)]
    [InlineData(10, true, true, true, AfterClose.Finish)]       // the last round finishes the run, signal or not
    public void After_a_round_comes_the_next_a_checkpoint_a_stop_or_the_finish(long round, bool due, bool stop, bool canCheckpoint, AfterClose expected) =>
        Assert.Equal(expected, RoundClosing.After(round, 10, due, stop, canCheckpoint));

    [Fact]
    public void Resends_and_the_watchdog_follow_the_median_round_time()
    {
        var timing = new RoundTiming();
        Assert.Equal(TimeSpan.Zero, timing.Median);
        Assert.Equal(TimeSpan.FromSeconds(30), timing.ResendAfter); // the first round also loads and JITs
        Assert.Equal(TimeSpan.FromSeconds(60), timing.WatchdogAfter);
        foreach (int s in new[] { 1, 3, 2 }) timing.Record(TimeSpan.FromSeconds(s));
        Assert.Equal(TimeSpan.FromSeconds(2), timing.Median);
        Assert.Equal(TimeSpan.FromSeconds(8), timing.ResendAfter);      // 4 × 2 s
        Assert.Equal(TimeSpan.FromSeconds(60), timing.WatchdogAfter);   // 20 × 2 s < 60 s
        timing.Record(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(2), timing.Median);           // 1, 2, 3, 10: the lower middle
        foreach (int s in new[] { 10, 10, 10 }) timing.Record(TimeSpan.FromSeconds(s));
        Assert.Equal(TimeSpan.FromSeconds(10), timing.Median);
        Assert.Equal(TimeSpan.FromSeconds(40), timing.ResendAfter);
        Assert.Equal(TimeSpan.FromSeconds(200), timing.WatchdogAfter);
        var fast = new RoundTiming();
        fast.Record(TimeSpan.FromMilliseconds(50));
        Assert.Equal(TimeSpan.FromSeconds(5), fast.ResendAfter);        // never below 5 s
    }

    [Fact]
    public void Replica_hashes_are_checked_per_round_and_forgotten_once_every_live_node_confirmed()
    {
        var replicas = new ReplicaVerification(window: 3);
        int[] live = { 0, 1 };
        replicas.Expect(1, "aa");
        Assert.Equal(HashVerdict.Matches, replicas.Report(1, 0, "aa", live));
        Assert.Equal(new[] { 1 }, replicas.Unconfirmed(1, live));
        Assert.Equal(HashVerdict.Diverged, replicas.Report(1, 1, "ab", live));
        Assert.Equal(HashVerdict.Matches, replicas.Report(1, 1, "aa", live));
        Assert.Empty(replicas.Unconfirmed(1, live));
        Assert.Equal(HashVerdict.Untracked, replicas.Report(1, 1, "zz", live)); // confirmed by all: forgotten
        for (long t = 2; t <= 5; t++) replicas.Expect(t, $"h{t}");
        Assert.Null(replicas.Expected(2));                                      // left the 3-round window
        Assert.Equal("h3", replicas.Expected(3));
        Assert.Empty(replicas.Unconfirmed(3, Array.Empty<int>()));              // no live node owes a hash
    }

    [Fact]
    public void Membership_knows_which_actor_speaks_for_each_node_id()
    {
        var members = new Membership(3);
        var (a, b) = (CreateTestProbe().Ref, CreateTestProbe().Ref);
        Assert.Null(members.Register(1, a));
        Assert.Null(members.Register(1, a));            // the same actor again replaces nothing
        Assert.True(members.Speaks(1, a));
        Assert.Equal(a, members.Register(1, b));        // a restarted node: the old actor is replaced
        Assert.False(members.Speaks(1, a));
        Assert.Null(members.Lose(a, false, FaultPlan.None, 1)); // the replaced actor stopping is no news
        Assert.Equal(1, members.Count);
        Assert.False(members.InRange(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => members.Register(-1, a));
        Assert.Null(members.Remove(a));
        Assert.Equal(1, members.Remove(b));
        Assert.Equal(0, members.Count);
    }

    [Fact]
    public void A_vote_sent_again_unchanged_is_a_repeat_and_a_different_one_a_duplicate()
    {
        var first = new Vote(1, 0, new SignPayload(SignPacker.Pack(new float[] { 1, -1, 1 })), new VoteScalars(1, 1, 1, 1), 2f);
        var other = first with { Payload = new SignPayload(SignPacker.Pack(new float[] { 1, 1, 1 })) };
        VoteVerdict Check(Vote v, Vote? accepted) => VoteAdmission.Check(v, 1, 0, true, accepted, 3, SignActors.Messages.PayloadKind.Sign, 0);
        Assert.Equal(VoteVerdict.Accepted, Check(first, null));
        Assert.Equal(VoteVerdict.Repeated, Check(first with { }, first));
        Assert.Equal(VoteVerdict.Duplicate, Check(other, first));
        Assert.Equal(VoteVerdict.Late, VoteAdmission.Check(first, 2, 1, true, first, 3, SignActors.Messages.PayloadKind.Sign, 0)); // lateness first
    }

    [Fact]
    public void The_metrics_row_is_computed_from_the_rounds_facts()
    {
        // d = 10: ⌈10/8⌉ = 2 packed bytes. Node 2 is Byzantine.
        float[][] messages =
        {
            new float[] { 1, 1, -1, -1, 1, 1, -1, -1, 1, -1 },
            new float[] { 1, -1, -1, 1, 1, -1, -1, 1, -1, -1 },
            new float[] { -1, -1, 1, 1, -1, -1, 1, 1, -1, 1 },
        };
        var votes = messages.Select((m, j) => new Vote(4, j, new SignPayload(SignPacker.Pack(m)), new VoteScalars(j + 1f, 0, 0, 0), 10f * (j + 1))).ToArray();
        float[] broadcast = { 1, 1, -1, 1, 1, 1, -1, 1, -1, -1 };
        var aggregate = new Aggregate(4, new SignPayload(SignPacker.Pack(broadcast)), 0.01f);
        var start = new StartRound(4, 0.01f, null, 0);
        // Client sampling: StartRound went to the 3 participants, the aggregate to all 5 nodes.
        var facts = new ClosedRound(start, 3, votes, aggregate, 5, 1, 2, 3, new HashSet<int> { 2 }, 0, 12.5, 3.25, 0.75);
        var row = RoundMetrics.Of(facts);

        Assert.Equal((4L, 0.01f, 3, 1, 2, 3, 1), (row.Round, row.LearningRate, row.Accepted, row.Late, row.Rejected, row.Repeated, row.Byzantine));
        Assert.Equal(2.0, row.TrainLoss, 12);                                 // (1 + 2 + 3) / 3
        Assert.Equal(3 * (41 + 2) * 8L, row.BitsUp);                          // vote header 41 B + 2 B of signs
        Assert.Equal((3 * 19 + 5 * (19 + 2)) * 8L, row.BitsDown);             // StartRound 19 B to 3 participants, aggregate header 19 B + signs to 5 nodes
        Assert.Equal(3, row.Participants);
        Assert.Equal((30.0, 60.0), (row.SlowestComputeMs, row.TotalComputeMs));
        // Honest nodes 0 and 1: sign of their mean is +1 where they agree on +1 or tie, −1 where both are −1:
        // + + − + + + − + + − ; the broadcast differs at coordinate 8 only.
        Assert.Equal(0.9, row.Agreement, 12);
        Assert.Null(row.Evaluation);
        Assert.Equal((12.5, 3.25, 0.75), (row.WallMs, row.ElapsedSeconds, row.CloseMs));
    }
}
