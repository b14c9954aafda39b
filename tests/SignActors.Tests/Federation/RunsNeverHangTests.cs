using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SignActors.Runtime.Federation;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Server;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Runs;
using Xunit;

namespace SignActors.Tests.Federation;

/// <summary>Internal errors stop a run with one line, and a stuck round is stopped by the watchdog (on virtual time).</summary>
[Collection("torch")]
public class RunsNeverHangTests() : TestKit("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"\n" + TinyFederation.WireConfig)
{
    const int D = 422_756;

    TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    static Vote VoteOf(int node, long round) =>
        new(round, node, new SignPayload(SignPacker.Pack(TestVectors.Uniform(D, 2000 + node))), new VoteScalars(4.6f, 1, 1, 0.5f), 1);

    (IActorRef Server, TestProbe[] Nodes, RecordingObserver Observer) Start(RunContract spec, RunOptions? options = null) => TinyFederation.StartServer(this, spec, options);

    [Fact]
    public async Task An_aggregator_that_throws_stops_the_run_with_one_line_and_tells_every_node()
    {
        // Identity aggregates one vote: with two it throws inside the coordinator, as the 256-vote limit did.
        var spec = TinyFederation.Spec("signsgd", nodes: 2, rounds: 3, verify: false);
        spec = spec with { Algorithm = spec.Algorithm with { Aggregator = spec.Algorithm.Aggregator with { Kind = AggregatorKind.Identity } } };
        var (server, probes, observer) = Start(spec);
        for (int j = 0; j < 2; j++) probes[j].Send(server, VoteOf(j, 1));
        var outcome = await observer.Outcome.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(outcome.Completed);
        Assert.Equal("internal error while handling Vote: ArgumentException: identity aggregates exactly one vote, got 2 (Parameter 'votes')", outcome.Message);
        Assert.DoesNotContain('\n', outcome.Message);
        Assert.Equal(0, outcome.Rounds);
        foreach (var p in probes) p.FishForMessage(m => m is RunFinished);
    }

    [Fact]
    public async Task A_round_with_too_few_votes_for_krum_stops_the_run_with_one_line()
    {
        // krum(1) needs 5 votes; the deadline closes round 1 with the 3 that came.
        var spec = TinyFederation.Spec("krum-sgd", nodes: 5, rounds: 3, verify: false) with
        {
            Policy = new SignActors.Training.Faults.RoundPolicy(SignActors.Training.Faults.RoundPolicyKind.Deadline, DeadlineMs: 1000, MinQuorum: 3),
        };
        var (server, probes, observer) = Start(spec);
        var dense = new VoteScalars(4.6f, 1, 1, 0.5f);
        for (int j = 0; j < 3; j++) probes[j].Send(server, new Vote(1, j, new DensePayload(TestVectors.Uniform(D, 3000 + j)), dense, 1));
        Clock.Advance(TimeSpan.FromMilliseconds(1000));
        var outcome = await observer.Outcome.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(outcome.Completed);
        Assert.Equal("krum(1) needs at least 5 votes a round (n ≥ 2f + 3), got 3", outcome.Message);
        foreach (var p in probes) p.FishForMessage(m => m is RunFinished);
    }

    [Fact]
    public void A_slow_round_whose_votes_keep_coming_is_not_stopped_by_the_watchdog()
    {
        var spec = TinyFederation.Spec("signsgd", nodes: 3, rounds: 2, verify: false);
        var (server, probes, observer) = Start(spec);
        for (int j = 0; j < 3; j++) // a vote every 50 s: 150 s for round 1, far past the 60 s floor
        {
            Clock.Advance(TimeSpan.FromSeconds(50));
            probes[j].Send(server, VoteOf(j, 1));
            if (j < 2) TinyFederation.AwaitHandled(server, probes[j], j); // the last vote closes the round
        }
        foreach (var p in probes) // StartRound 1 again in between: resends wait for 30 s without a vote, too
        {
            p.FishForMessage(m => m is Aggregate { Round: 1 });
            p.FishForMessage(m => m is StartRound { Round: 2 });
        }
        Assert.False(observer.Outcome.IsCompleted);
    }

    [Fact]
    public async Task The_watchdog_stops_a_round_that_does_not_close_names_the_silent_nodes_and_keeps_a_checkpoint()
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-watchdog-{Guid.NewGuid():N}.bin");
        var spec = TinyFederation.Spec("signsgd", nodes: 3, rounds: 5, verify: false);
        var (server, probes, observer) = Start(spec, TinyFederation.Options() with { CheckpointPath = path, Fingerprint = "watchdog" });
        for (int j = 0; j < 3; j++) probes[j].Send(server, VoteOf(j, 1));
        foreach (var p in probes) { p.ExpectMsg<Aggregate>(); p.ExpectMsg<StartRound>(); }
        probes[0].Send(server, VoteOf(0, 2)); // nodes 1 and 2 never vote in round 2
        TinyFederation.AwaitHandled(server, probes[0], 0);
        Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(observer.Outcome.IsCompleted);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await observer.Outcome.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(outcome.Completed);
        Assert.Equal($"round 2 has had no vote for 60 s (20 × the median round time, at least 60 s); nodes 1, 2 have not voted; "
            + $"the global model after round 1 is in {path} (estimators start fresh on resume)", outcome.Message);
        var checkpoint = Checkpoint.Read(path);
        Assert.Equal((1L, "watchdog"), (checkpoint.Round, checkpoint.Fingerprint));
        Assert.Equal(outcome.FinalParameters, checkpoint.Global.Parameters);
        File.Delete(path);
    }

    /// <summary>Round 1 closes, round 2 opens, and then every node is lost (their hosts downed).</summary>
    (IActorRef Server, RecordingObserver Observer) EveryNodeLostInRound2(RunOptions options)
    {
        var (server, probes, observer) = Start(TinyFederation.Spec("signsgd", nodes: 3, rounds: 5, verify: false), options);
        for (int j = 0; j < 3; j++) probes[j].Send(server, VoteOf(j, 1));
        foreach (var p in probes) { p.ExpectMsg<Aggregate>(); p.ExpectMsg<StartRound>(); }
        foreach (var p in probes) Sys.Stop(p.Ref);
        AwaitAssert(() => Assert.Equal(0, server.Ask<Registrations>(GetRegistrations.Instance).Result.Registered));
        return (server, observer);
    }

    [Fact]
    public async Task With_every_node_lost_the_server_waits_rejoin_wait_for_registrations_then_stops_with_one_line_and_a_checkpoint()
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-rejoin-{Guid.NewGuid():N}.bin");
        var (_, observer) = EveryNodeLostInRound2(TinyFederation.Options() with { CheckpointPath = path, Fingerprint = "rejoin", RejoinWaitMs = 90_000 });
        Clock.Advance(TimeSpan.FromSeconds(89)); // past the watchdog's 60 s: nobody can vote, so it does not count
        await Task.Delay(200);
        Assert.False(observer.Outcome.IsCompleted);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await observer.Outcome.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(outcome.Completed);
        Assert.Equal($"round 2: every node was lost and none registered within 90 s (signactors.rejoin-wait-ms); "
            + $"the global model after round 1 is in {path} (estimators start fresh on resume)", outcome.Message);
        Assert.Equal((1L, "rejoin"), (Checkpoint.Read(path).Round, Checkpoint.Read(path).Fingerprint));
        File.Delete(path);
    }

    [Fact]
    public async Task A_node_registering_within_rejoin_wait_carries_the_run_on()
    {
        var (server, observer) = EveryNodeLostInRound2(TinyFederation.Options() with { RejoinWaitMs = 90_000 });
        Clock.Advance(TimeSpan.FromSeconds(80));
        var back = CreateTestProbe();
        back.Send(server, new RegisterNode(0));
        back.ExpectMsg<NodeRegistered>();
        back.ExpectMsg<StartRound>(s => s.Round == 2);
        Clock.Advance(TimeSpan.FromSeconds(20)); // past the rejoin wait: cancelled
        back.Send(server, VoteOf(0, 2)); // the only live node: its vote closes round 2
        back.FishForMessage(m => m is Aggregate { Round: 2 });
        back.ExpectMsg<StartRound>(s => s.Round == 3);
        await Task.Delay(200);
        Assert.False(observer.Outcome.IsCompleted);
    }

    [Fact]
    public void A_node_whose_vote_throws_again_after_its_restart_stops_the_run()
    {
        // Labels corrupted after the model was sized (4 classes): every minibatch loss throws inside libtorch
        // (target out of bounds) — not an error the node can name, so it is restarted, resyncs, and throws again.
        var pixels = Enumerable.Range(0, 40 * 12).Select(i => (byte)(i * 7)).ToArray();
        var labels = Enumerable.Range(0, 40).Select(i => (byte)(i % 4)).ToArray();
        var images = new ImageSet("corrupted", new ImageShape(3, 2, 2), 40, pixels, 0, 12, labels, 0, 1);
        var spec = TinyFederation.Spec("signsgd", nodes: 2, rounds: 3);
        var shards = Partitioner.Assign(images.Labels(), 2, PartitionSpec.Iid, spec.Seed);
        Array.Fill(labels, (byte)200);
        var outcome = TinyFederation.Run(spec, new RecordingObserver(), shards: shards, train: images, test: images, logLevel: "error");
        Assert.False(outcome.Completed);
        Assert.Matches("^node [01] failed in round 1: threw again after a restart: ", outcome.Message);
        Assert.DoesNotContain('\n', outcome.Message);
    }
}
