using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Training.Faults;

namespace SignActors.Server.Byzantine;

/// <summary>
/// ALIE and IPM (SPEC §7) need every honest message of the round, which no node has: the
/// attackers are simulated where those messages meet. Before aggregation the server replaces the
/// payload of each ALIE or IPM attacker's accepted vote with the crafted one, built from the
/// accepted votes of the honest nodes (<see cref="CraftedAttacks"/>). A float32 uplink sends the
/// crafted vector; a sign uplink its sign, honest messages counting as ±1 (a scaled sign keeps the
/// attacker's own scale). Scalars stay as the node sent them. A round without an honest vote
/// leaves the attackers' messages as sent.
/// </summary>
public static class CraftedVotes
{
    /// <summary>The votes with each crafted attacker's payload replaced; the same array when there is none.</summary>
    public static Vote[] Replace(Vote[] votes, FaultPlan plan, int nodes)
    {
        if (!plan.HasCraftedAttackers) return votes;
        var byzantine = plan.Byzantine;
        var honest = votes.Where(v => !byzantine.Contains(v.NodeId)).Select(v => Values(v.Payload)).ToArray();
        if (honest.Length == 0) return votes;
        float[]? alie = null, ipm = null;
        var result = new Vote[votes.Length];
        for (int i = 0; i < votes.Length; i++)
        {
            var vote = votes[i];
            result[i] = plan.For(vote.NodeId).Attack switch
            {
                ByzantineAttack.Alie => vote with { Payload = AsKindOf(vote.Payload, alie ??= CraftedAttacks.Alie(honest, plan.AlieZFor(nodes))) },
                ByzantineAttack.Ipm => vote with { Payload = AsKindOf(vote.Payload, ipm ??= CraftedAttacks.Ipm(honest, plan.IpmEpsilon)) },
                _ => vote,
            };
        }
        return result;
    }

    /// <summary>A message as the attack sees it: its values, or its signs as ±1.</summary>
    static float[] Values(Payload payload)
    {
        if (payload is DensePayload d) return d.Values;
        var values = new float[payload.Length];
        SignPacker.Unpack(PayloadSigns.Of(payload), values);
        return values;
    }

    static Payload AsKindOf(Payload own, float[] crafted) => own switch
    {
        DensePayload => new DensePayload(crafted),
        SignPayload => new SignPayload(SignPacker.Pack(crafted)),
        ScaledSignPayload s => s with { Signs = SignPacker.Pack(crafted) },
        _ => throw new ArgumentException($"a node does not send {own.GetType().Name}", nameof(own)),
    };
}
