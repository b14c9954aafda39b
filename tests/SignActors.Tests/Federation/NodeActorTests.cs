using Akka.Actor;
using Akka.TestKit.Xunit2;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Node;
using SignActors.Training.Runs;
using Xunit;

namespace SignActors.Tests.Federation;

/// <summary>A node with a TestProbe server: votes, applies aggregates, resynchronises through snapshots, survives bad input.</summary>
[Collection("torch")]
public class NodeActorTests() : TestKit(TinyFederation.WireConfig)
{
    const int D = 422_756;

    IActorRef StartNode(Akka.TestKit.TestProbe server, RunContract spec, int node = 0, long registeredAt = 0)
    {
        var shards = TinyFederation.Shards(spec);
        var actor = Sys.ActorOf(NodeActor.Props(new NodeSetup(node, spec, TinyFederation.Train, shards[node].Records, server.Ref), "akka.actor.default-dispatcher"));
        Assert.Equal(node, server.ExpectMsg<RegisterNode>(TimeSpan.FromSeconds(20)).NodeId);
        server.Reply(new NodeRegistered(node, registeredAt));
        return actor;
    }

    static Aggregate AggregateOf(long round, int seed, int d = D) =>
        new(round, new SignPayload(SignPacker.Pack(TestVectors.Uniform(d, seed))), 0.001f);

    [Fact]
    public void Answers_StartRound_with_a_vote_and_reports_the_hash_of_the_applied_aggregate()
    {
        var spec = TinyFederation.Spec("mvsm-v1", nodes: 2);
        var server = CreateTestProbe();
        var node = StartNode(server, spec, node: 1);
        server.Send(node, new StartRound(1, 0.001f, null, 0));
        var vote = server.ExpectMsg<Vote>(TimeSpan.FromSeconds(20));
        Assert.Equal((1L, 1), (vote.Round, vote.NodeId));
        Assert.Equal(D, vote.Payload.Length);
        Assert.IsType<SignPayload>(vote.Payload);
        Assert.True(float.IsFinite(vote.Scalars.Loss) && vote.Scalars.Loss > 0);
        Assert.True(vote.Scalars.GradientL1 > 0 && vote.Scalars.GradientL2 > 0 && vote.Scalars.EstimateLInf > 0);

        // The same vote from the pure replica: the actor adds nothing to the math.
        using var reference = new NodeReplica(1, spec, TinyFederation.Train, TinyFederation.Shards(spec)[1].Records);
        var expected = reference.ComputeVote(new StartRound(1, 0.001f, null, 0))!;
        Assert.Equal(expected.Payload, vote.Payload);
        Assert.Equal(expected.Scalars, vote.Scalars);

        var aggregate = AggregateOf(1, 7);
        server.Send(node, aggregate);
        reference.Apply(aggregate);
        Assert.Equal(new ReplicaHash(1, 1, reference.HashAfter(1)!.Value.Hex), server.ExpectMsg<ReplicaHash>());
    }

    [Fact]
    public void A_node_registered_behind_the_global_model_syncs_from_a_snapshot_before_voting()
    {
        var spec = TinyFederation.Spec("signsgd", nodes: 2);
        var server = CreateTestProbe();
        var node = StartNode(server, spec, registeredAt: 5);
        Assert.Equal(new SnapshotRequest(0, 0), server.ExpectMsg<SnapshotRequest>());
        server.Send(node, new StartRound(6, 0.001f, null, 0)); // held until the snapshot arrives
        server.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var parameters = TestVectors.Uniform(D, 3, 0.05f);
        server.Send(node, new ModelSnapshot(5, parameters, null));
        var vote = server.ExpectMsg<Vote>(TimeSpan.FromSeconds(20));
        Assert.Equal(6, vote.Round);
        server.Send(node, AggregateOf(6, 8));
        var hash = server.ExpectMsg<ReplicaHash>();
        using var reference = new NodeReplica(0, spec, TinyFederation.Train, TinyFederation.Shards(spec)[0].Records);
        reference.Restore(new ModelSnapshot(5, parameters, null));
        reference.Apply(AggregateOf(6, 8));
        Assert.Equal(reference.HashAfter(6)!.Value.Hex, hash.Sha256);
    }

    [Fact]
    public void A_lost_aggregate_makes_the_node_ask_for_a_snapshot_instead_of_diverging()
    {
        var spec = TinyFederation.Spec("signsgd", nodes: 2);
        var server = CreateTestProbe();
        var node = StartNode(server, spec);
        server.Send(node, AggregateOf(2, 9)); // round 1's aggregate never arrived
        Assert.Equal(new SnapshotRequest(0, 0), server.ExpectMsg<SnapshotRequest>());
        server.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // no hash: nothing was applied
        server.Send(node, new ModelSnapshot(2, TestVectors.Uniform(D, 4, 0.05f), null));
        server.Send(node, new StartRound(3, 0.001f, null, 0));
        Assert.Equal(3, server.ExpectMsg<Vote>(TimeSpan.FromSeconds(20)).Round);
    }

    [Fact]
    public void Malformed_or_unexpected_messages_never_crash_the_node_and_are_never_applied()
    {
        var spec = TinyFederation.Spec("signsgd", nodes: 2);
        var server = CreateTestProbe();
        var node = StartNode(server, spec);
        Watch(node);
        server.Send(node, "garbage");
        server.Send(node, new Vote(1, 0, new SignPayload(new PackedSigns(3)), default, 0));
        server.Send(node, AggregateOf(1, 10, d: 17));              // wrong length: not applied
        Assert.Equal(new SnapshotRequest(0, 0), server.ExpectMsg<SnapshotRequest>());
        server.Send(node, new ModelSnapshot(0, new float[5], null)); // wrong length: not taken
        server.Send(node, new StartRound(1, 0.001f, null, 0));
        var vote = server.ExpectMsg<Vote>(TimeSpan.FromSeconds(20));
        using var reference = new NodeReplica(0, spec, TinyFederation.Train, TinyFederation.Shards(spec)[0].Records);
        Assert.Equal(reference.ComputeVote(new StartRound(1, 0.001f, null, 0))!.Payload, vote.Payload); // still at x_1
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // no Terminated
    }

    [Fact]
    public void A_repeated_StartRound_gets_the_same_vote_again_without_advancing_the_estimator()
    {
        var spec = TinyFederation.Spec("signum", nodes: 2);
        var server = CreateTestProbe();
        var node = StartNode(server, spec);
        server.Send(node, new StartRound(1, 0.001f, null, 0));
        var first = server.ExpectMsg<Vote>(TimeSpan.FromSeconds(20));
        server.Send(node, new StartRound(1, 0.001f, null, 0)); // the server asks again: our vote was lost
        Assert.Equal(first, server.ExpectMsg<Vote>(TimeSpan.FromSeconds(20)) with { ComputeMs = first.ComputeMs });
        server.Send(node, AggregateOf(1, 11));
        server.ExpectMsg<ReplicaHash>();
        server.Send(node, new StartRound(2, 0.001f, null, 0));
        var second = server.ExpectMsg<Vote>(TimeSpan.FromSeconds(20));

        using var reference = new NodeReplica(0, spec, TinyFederation.Train, TinyFederation.Shards(spec)[0].Records);
        reference.ComputeVote(new StartRound(1, 0.001f, null, 0));
        reference.Apply(AggregateOf(1, 11));
        Assert.Equal(reference.ComputeVote(new StartRound(2, 0.001f, null, 0))!.Payload, second.Payload); // momentum advanced once per round
    }

    [Fact]
    public void A_state_request_for_the_last_applied_round_is_answered_with_the_estimator_state()
    {
        var spec = TinyFederation.Spec("signum", nodes: 2);
        var server = CreateTestProbe();
        var node = StartNode(server, spec, node: 1);
        server.Send(node, new StartRound(1, 0.001f, null, 0));
        server.ExpectMsg<Vote>(TimeSpan.FromSeconds(20));
        server.Send(node, new StateRequest(1)); // not applied yet: no state for round 1
        server.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        server.Send(node, AggregateOf(1, 12));
        server.ExpectMsg<ReplicaHash>();
        server.Send(node, new StateRequest(1));
        var state = server.ExpectMsg<NodeState>();
        Assert.Equal((1L, 1), (state.Round, state.NodeId));

        using var reference = new NodeReplica(1, spec, TinyFederation.Train, TinyFederation.Shards(spec)[1].Records);
        reference.ComputeVote(new StartRound(1, 0.001f, null, 0));
        Assert.Equal(reference.ExportEstimator(), state.Estimator);
        Assert.True(state.Estimator.Started);
    }
}
