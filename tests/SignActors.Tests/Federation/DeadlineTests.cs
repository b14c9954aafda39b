using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Server;
using SignActors.Server.Rounds;
using SignActors.Training.Faults;
using Xunit;

namespace SignActors.Tests.Federation;

/// <summary>The deadline policy on virtual time (TestScheduler): nothing here depends on how fast the machine is.</summary>
[Collection("torch")]
public class DeadlineTests() : TestKit("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"\n" + TinyFederation.WireConfig)
{
    const int D = 422_756;

    TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    static Vote VoteOf(int node, long round) =>
        new(round, node, new SignPayload(SignPacker.Pack(TestVectors.Uniform(D, 1000 + node))), new VoteScalars(4.6f, 1, 1, 0.5f), 1);

    (IActorRef Server, TestProbe[] Nodes, RecordingObserver Observer) Start(int nodes, long rounds, RoundPolicy policy)
    {
        return TinyFederation.StartServer(this, TinyFederation.Spec("signsgd", nodes, rounds, verify: false) with { Policy = policy });
    }

    [Fact]
    public void The_deadline_closes_a_round_with_quorum_and_the_late_vote_is_dropped()
    {
        var (server, probes, observer) = Start(3, 2, new RoundPolicy(RoundPolicyKind.Deadline, DeadlineMs: 1000, MinQuorum: 2, MaxExtensions: 0));
        probes[0].Send(server, VoteOf(0, 1));
        probes[1].Send(server, VoteOf(1, 1));
        Clock.Advance(TimeSpan.FromMilliseconds(999));
        probes[0].ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // still open: quorum alone does not close it
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        foreach (var p in probes)
        {
            Assert.Equal(1, p.ExpectMsg<Aggregate>().Round); // node 2 missed the round and still gets the broadcast
            Assert.Equal(2, p.ExpectMsg<StartRound>().Round);
        }
        probes[2].Send(server, VoteOf(2, 1)); // the straggler's vote, after the close: late
        for (int j = 0; j < 3; j++) probes[j].Send(server, VoteOf(j, 2));
        foreach (var p in probes) p.ExpectMsg<Aggregate>(a => a.Round == 2); // all three voted: closes before the deadline
        AwaitAssert(() => Assert.Equal(2, observer.Rows.Count));
        Assert.Equal(2, observer.Rows[0].Accepted);
        Assert.Equal(1, observer.Rows[1].Late);
        Assert.Equal(3, observer.Rows[1].Accepted);
    }

    [Fact]
    public async Task Below_quorum_the_deadline_is_extended_then_the_run_stops_with_a_clear_message()
    {
        var (server, probes, observer) = Start(3, 2, new RoundPolicy(RoundPolicyKind.Deadline, DeadlineMs: 500, MinQuorum: 2, MaxExtensions: 2));
        probes[0].Send(server, VoteOf(0, 1));
        for (int extension = 0; extension < 2; extension++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(500));
            probes[0].ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // extended, not closed
            Assert.False(observer.Outcome.IsCompleted);
        }
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        var outcome = await observer.Outcome.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(outcome.Completed);
        Assert.Equal("round 1 reached only 1 of min-quorum 2 votes by its deadline after 2 extension(s) of 500 ms; the global model after round 0 is the checkpoint", outcome.Message);
        Assert.Equal(D, outcome.FinalParameters.Length);
        foreach (var p in probes) p.FishForMessage(m => m is RunFinished);
    }

    [Fact]
    public void Under_wait_all_a_terminated_node_is_not_waited_for()
    {
        var (server, probes, observer) = Start(3, 2, RoundPolicy.WaitAll);
        probes[0].Send(server, VoteOf(0, 1));
        probes[1].Send(server, VoteOf(1, 1));
        probes[0].ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Sys.Stop(probes[2].Ref); // node 2's actor is gone
        probes[0].ExpectMsg<Aggregate>(TimeSpan.FromSeconds(10));
        AwaitAssert(() => Assert.Single(observer.Rows));
        Assert.Equal(2, observer.Rows[0].Accepted);
    }

    [Fact]
    public void A_lost_StartRound_is_sent_again_to_the_nodes_that_have_not_voted()
    {
        var (server, probes, _) = Start(3, 2, RoundPolicy.WaitAll);
        probes[0].Send(server, VoteOf(0, 1));
        probes[1].Send(server, VoteOf(1, 1));
        TinyFederation.AwaitHandled(server, probes[0], 0);
        TinyFederation.AwaitHandled(server, probes[1], 1);
        // Node 2's StartRound was "lost": it ignored it. Under wait-all the round would stall forever.
        // Before any round has closed, the resend waits 30 s (then max(5 s, 4 × the median round time)).
        Clock.Advance(TimeSpan.FromSeconds(29));
        probes[2].ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, probes[2].ExpectMsg<StartRound>().Round);
        probes[0].ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // voters are not asked again
        probes[2].Send(server, VoteOf(2, 1));
        foreach (var p in probes) p.ExpectMsg<Aggregate>(a => a.Round == 1);
    }
}
