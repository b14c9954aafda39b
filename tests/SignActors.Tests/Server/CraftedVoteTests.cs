using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Server.Byzantine;
using SignActors.Training.Faults;
using Xunit;

namespace SignActors.Tests.Server;

/// <summary>The server's ALIE and IPM attackers, against μ − zσ and −εμ of the honest votes worked by hand.</summary>
public class CraftedVoteTests
{
    static readonly VoteScalars Scalars = new(1.5f, 2f, 3f, 4f);

    static Vote Dense(int node, params float[] values) => new(7, node, new DensePayload(values), Scalars, 1f);

    static Vote Signs(int node, string signs) => new(7, node, new SignPayload(Pack(signs)), Scalars, 1f);

    static PackedSigns Pack(string signs) => SignPacker.Pack(signs.Select(c => c == '+' ? 1f : -1f).ToArray());

    static FaultPlan Plan(double? z, double epsilon, params (int Node, ByzantineAttack Attack)[] attackers) =>
        new(attackers.ToDictionary(a => a.Node, a => new NodeFaults(Attack: a.Attack)), AlieZ: z, IpmEpsilon: epsilon);

    [Fact]
    public void On_a_float32_uplink_alie_sends_mu_minus_z_sigma_and_ipm_minus_epsilon_mu_of_the_honest_votes()
    {
        // Honest nodes 1 and 3 send (1, 2) and (3, 6): μ = (2, 4), population σ = (1, 2).
        Vote[] votes = { Dense(0, 100f, 100f), Dense(1, 1f, 2f), Dense(2, -50f, 9f), Dense(3, 3f, 6f) };
        var sent = CraftedVotes.Replace(votes, Plan(1.5, 0.5, (0, ByzantineAttack.Alie), (2, ByzantineAttack.Ipm)), nodes: 4);
        Assert.Equal(new[] { 0.5f, 1f }, Assert.IsType<DensePayload>(sent[0].Payload).Values);   // (2 − 1.5·1, 4 − 1.5·2)
        Assert.Equal(new[] { -1f, -2f }, Assert.IsType<DensePayload>(sent[2].Payload).Values);  // −0.5 · (2, 4)
        Assert.Same(votes[1], sent[1]);
        Assert.Same(votes[3], sent[3]);
        Assert.Equal(Scalars, sent[0].Scalars); // the format is followed: scalars as sent
        Assert.Equal(0, sent[0].NodeId);
    }

    [Fact]
    public void Alies_automatic_z_is_the_papers_for_n_and_the_byzantine_count()
    {
        // n = 8, f = 2 (both ALIE): s = 3, z = Φ⁻¹(5/8) = 0.318639…; honest μ = 2, σ = 1.
        Vote[] votes = { Dense(0, 0f), Dense(1, 0f), Dense(2, 1f), Dense(3, 3f) };
        var sent = CraftedVotes.Replace(votes, Plan(null, 0.1, (0, ByzantineAttack.Alie), (1, ByzantineAttack.Alie)), nodes: 8);
        Assert.Equal((float)(2 - 0.31863936396437514), Assert.IsType<DensePayload>(sent[0].Payload).Values[0], 5);
        Assert.Equal(Assert.IsType<DensePayload>(sent[0].Payload).Values, Assert.IsType<DensePayload>(sent[1].Payload).Values); // they collude
    }

    [Fact]
    public void On_a_sign_uplink_the_attack_is_the_sign_of_the_crafted_vector_over_plus_minus_one()
    {
        // Honest signs (+,+,−), (+,−,−), (+,+,+): μ = (1, 1/3, −1/3), σ = (0, 0.943, 0.943).
        // z = 1: μ − σ = (1, −0.61, −1.28) → (+,−,−); IPM: −μ → (−,−,+).
        Vote[] votes = { Signs(0, "---"), Signs(1, "++-"), Signs(2, "+--"), Signs(3, "+++"), Signs(4, "+++") with { Payload = new ScaledSignPayload(Pack("+++"), 2.5f) } };
        var sent = CraftedVotes.Replace(votes, Plan(1.0, 0.1, (0, ByzantineAttack.Alie), (4, ByzantineAttack.Ipm)), nodes: 5);
        Assert.Equal(Pack("+--"), Assert.IsType<SignPayload>(sent[0].Payload).Signs);
        var scaled = Assert.IsType<ScaledSignPayload>(sent[4].Payload);
        Assert.Equal(Pack("--+"), scaled.Signs);
        Assert.Equal(2.5f, scaled.Scale); // its own scale
    }

    [Fact]
    public void Without_a_crafted_attacker_or_an_honest_vote_nothing_is_replaced()
    {
        Vote[] votes = { Dense(0, 1f), Dense(1, 2f) };
        Assert.Same(votes, CraftedVotes.Replace(votes, Plan(1.0, 0.1, (0, ByzantineAttack.SignFlip)), nodes: 2));
        var allByzantine = CraftedVotes.Replace(votes, Plan(1.0, 0.1, (0, ByzantineAttack.Alie), (1, ByzantineAttack.Ipm)), nodes: 2);
        Assert.Equal(votes, allByzantine);
    }
}
