using SignActors.Training.Runs;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Server;
using SignActors.Server.Aggregators;
using SignActors.Server.Rounds;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;
using Xunit;

namespace SignActors.Tests.Federation;

/// <summary>The server with TestProbe nodes: registration, StartRound, the acceptance rules of SPEC §6.3, the broadcast.</summary>
[Collection("torch")]
public class RoundCoordinatorTests() : TestKit(TinyFederation.WireConfig)
{
    const int D = 422_756; // the mlp
    static readonly VoteScalars Scalars = new(4.6f, 10f, 1f, 0.5f);

    static Vote VoteOf(int node, long round, int seed, int d = D) =>
        new(round, node, new SignPayload(SignPacker.Pack(TestVectors.Uniform(d, seed))), Scalars, 1f);

    (IActorRef Server, TestProbe[] Nodes, RecordingObserver Observer) Start(int nodes, long rounds, bool verify = false, RunContract? with = null)
    {
        var spec = with ?? TinyFederation.Spec("signsgd", nodes, rounds, verify);
        var observer = new RecordingObserver();
        var server = Sys.ActorOf(RoundCoordinator.Props(new CoordinatorSetup(spec, TinyFederation.Train, TinyFederation.Test, observer, TinyFederation.Options()), "akka.actor.default-dispatcher"));
        var probes = Enumerable.Range(0, nodes).Select(_ => CreateTestProbe()).ToArray();
        for (int j = 0; j < nodes; j++)
        {
            probes[j].Send(server, new RegisterNode(j));
            Assert.Equal(new NodeRegistered(j, 0), probes[j].ExpectMsg<NodeRegistered>());
        }
        return (server, probes, observer);
    }

    [Fact]
    public void StartRound_reaches_every_registered_node_once_all_have_registered()
    {
        var (_, probes, _) = Start(3, 2);
        foreach (var p in probes)
        {
            var start = p.ExpectMsg<StartRound>();
            Assert.Equal(1, start.Round);
            Assert.Equal(0.001f, start.LearningRate);
            Assert.Null(start.Radius); // sign uplink: no radius
        }
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("per-tensor")]
    public void StartRound_carries_round_t_minus_1s_largest_norms_and_none_in_round_1(string rule)
    {
        // The mlp's six tensors: fc1.weight, fc1.bias, fc2.weight, fc2.bias, fc3.weight, fc3.bias.
        bool perTensor = rule == "per-tensor";
        var spec = TinyFederation.Spec("mvsm-v1", 3, 3);
        spec = spec with { Algorithm = spec.Algorithm with { Uplink = spec.Algorithm.Uplink with { Radius = perTensor ? RadiusRule.PerTensor : RadiusRule.Auto } } };
        var (server, probes, _) = Start(3, 3, with: spec);
        float[][] norms = { new[] { 1f, 0f, 2f, 0.5f, 3f, 0.25f }, new[] { 4f, 0.1f, 1f, 0.5f, 0.5f, 0.75f }, new[] { 0.5f, 0.2f, 1.5f, 0f, 2f, 0.5f } };
        foreach (var p in probes) Assert.Null(p.ExpectMsg<StartRound>().Radius);
        for (int j = 0; j < 3; j++)
            probes[j].Send(server, VoteOf(j, 1, 300 + j) with { Scalars = Scalars with { EstimateLInf = norms[j].Max() }, TensorNorms = perTensor ? norms[j] : null });
        float[] expected = perTensor ? new[] { 4f, 0.2f, 2f, 0.5f, 3f, 0.75f } : new[] { 4f };
        foreach (var p in probes)
        {
            p.ExpectMsg<Aggregate>();
            Assert.Equal(expected, p.ExpectMsg<StartRound>().Radius);
        }
        // A per-tensor vote without its norms (or with the wrong count) is malformed and dropped.
        if (perTensor)
        {
            probes[0].Send(server, VoteOf(0, 2, 400));
            probes[0].Send(server, VoteOf(0, 2, 401) with { TensorNorms = new float[5] });
            probes[0].Send(server, VoteOf(0, 2, 402) with { TensorNorms = new[] { 1f, 1f, 1f, 1f, 1f, float.NaN } });
            foreach (var p in probes) p.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public async Task Only_valid_votes_count_and_the_broadcast_is_the_pure_aggregators_output()
    {
        var (server, probes, observer) = Start(3, 2);
        foreach (var p in probes) p.ExpectMsg<StartRound>();

        var accepted = new[] { VoteOf(0, 1, 100), VoteOf(1, 1, 101), VoteOf(2, 1, 102) };
        probes[0].Send(server, accepted[0]);
        probes[0].Send(server, VoteOf(0, 1, 999));           // duplicate
        probes[1].Send(server, VoteOf(2, 1, 998));           // node 2's id from node 1's actor: unknown sender
        probes[1].Send(server, VoteOf(1, 2, 997));           // a round that has not started
        probes[1].Send(server, VoteOf(1, 1, 996, D - 1));    // wrong length
        probes[1].Send(server, accepted[1] with { Payload = new DensePayload(new float[D]) }); // not what a sign uplink sends
        probes[1].Send(server, accepted[1] with { Scalars = Scalars with { Loss = float.NaN } }); // non-finite scalar
        var stranger = CreateTestProbe();
        stranger.Send(server, VoteOf(1, 1, 995));            // not registered at all
        foreach (var p in probes) p.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the round is still open
        probes[1].Send(server, accepted[1]);
        probes[2].Send(server, accepted[2]);

        var expected = Server.AggregatorTests.Run(new MajorityVoteAggregator(TieBreak.Random), 11, accepted.Select(v => v.Payload).ToArray(), 1);
        foreach (var p in probes)
        {
            var aggregate = p.ExpectMsg<Aggregate>();
            Assert.Equal(1, aggregate.Round);
            Assert.Equal(expected, aggregate.Payload);
            Assert.Equal(2, p.ExpectMsg<StartRound>().Round);
        }
        AwaitAssert(() => Assert.Single(observer.Rows)); // the reporter writes the row off the coordinator's thread
        var row = Assert.Single(observer.Rows);
        Assert.Equal(3, row.Accepted);
        Assert.Equal(7, row.Rejected);
        Assert.Equal(0, row.Late);
        // ⌈422,756 / 8⌉ = 52,845 packed bytes; a vote's header is 41 bytes, StartRound 19 and an aggregate's 19.
        Assert.Equal(3 * (41 + 52_845) * 8L, row.BitsUp);
        Assert.Equal(3 * (19 + 19 + 52_845) * 8L, row.BitsDown);
        Assert.Equal(1.0, row.Agreement); // majority vote of honest votes with odd n agrees everywhere

        probes[0].Send(server, VoteOf(0, 1, 994));           // round 1 has closed: late
        AwaitAssert(() => Assert.True(observer.Rows.Count == 1));
        for (int j = 0; j < 3; j++) probes[j].Send(server, VoteOf(j, 2, 200 + j));
        var outcome = await observer.Outcome.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(outcome.Completed, outcome.Message);
        Assert.Equal(1, observer.Rows[1].Late);
        Assert.Equal(1, outcome.Drops[VoteVerdict.Duplicate]);
        Assert.Equal(2, outcome.Drops[VoteVerdict.UnknownSender]);
        Assert.Equal(1, outcome.Drops[VoteVerdict.FutureRound]);
        Assert.Equal(1, outcome.Drops[VoteVerdict.WrongLength]);
        Assert.Equal(2, outcome.Drops[VoteVerdict.Malformed]);
        Assert.Equal(1, outcome.Drops[VoteVerdict.Late]);
        foreach (var p in probes) p.FishForMessage(m => m is RunFinished);
    }

    [Fact]
    public async Task A_divergent_replica_hash_stops_the_run_with_a_clear_message()
    {
        var (server, probes, observer) = Start(2, 3, verify: true);
        foreach (var p in probes) p.ExpectMsg<StartRound>();
        for (int j = 0; j < 2; j++) probes[j].Send(server, VoteOf(j, 1, 300 + j));
        foreach (var p in probes) p.ExpectMsg<Aggregate>();
        probes[1].Send(server, new ReplicaHash(1, 1, new string('0', 64)));
        var outcome = await observer.Outcome.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(outcome.Completed);
        Assert.StartsWith("replica divergence: node 1 holds parameters 0000000000000000 after round 1, the server ", outcome.Message);
    }

    [Fact]
    public void A_snapshot_request_gets_the_global_model_and_the_open_round()
    {
        var (server, probes, _) = Start(2, 3);
        foreach (var p in probes) p.ExpectMsg<StartRound>();
        for (int j = 0; j < 2; j++) probes[j].Send(server, VoteOf(j, 1, 400 + j));
        foreach (var p in probes) { p.ExpectMsg<Aggregate>(); p.ExpectMsg<StartRound>(); }
        probes[1].Send(server, new SnapshotRequest(1, 0));
        var snapshot = probes[1].ExpectMsg<ModelSnapshot>();
        Assert.Equal(1, snapshot.Round);
        Assert.Equal(D, snapshot.Parameters.Length);
        Assert.Null(snapshot.Optimizer);
        Assert.Equal(2, probes[1].ExpectMsg<StartRound>().Round);
        // Unregistered actors get nothing, and unexpected messages are dropped without harm.
        var stranger = CreateTestProbe();
        stranger.Send(server, new SnapshotRequest(0, 0));
        stranger.Send(server, "hello");
        stranger.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        probes[0].Send(server, VoteOf(0, 2, 500));
        probes[1].Send(server, VoteOf(1, 2, 501));
        probes[0].ExpectMsg<Aggregate>(a => a.Round == 2);
    }
}
