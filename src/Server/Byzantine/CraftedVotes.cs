using SignActors.Messages.Protocol;
using SignActors.Training.Faults;
using SignActors.Training.Faults.Attacks;

namespace SignActors.Server.Byzantine;

/// <summary>
/// The attacks that need every honest message of the round (ALIE and IPM, SPEC §7: knowledge
/// <see cref="AttackKnowledge.HonestVotes"/>), which no node has: the attackers are simulated where
/// those messages meet. Before aggregation the server replaces the payload of each such attacker's
/// accepted vote with its attack's message, built from the accepted votes of the honest nodes as
/// values (a sign vote as ±1; <see cref="ForgedPayloads.Values"/>). Scalars stay as the node sent
/// them. A round without an honest vote leaves the attackers' messages as sent.
/// </summary>
public static class CraftedVotes
{
    /// <summary>The votes with each crafted attacker's payload replaced; the same array when there is none.</summary>
    public static Vote[] Replace(Vote[] votes, FaultPlan plan, int nodes)
    {
        // Attackers with the same attack share one instance, so what it crafts from the honest votes is computed once a round.
        var instances = new Dictionary<(ByzantineAttack?, object?), IAttack?>();
        IAttack? AttackOf(NodeFaults f) =>
            instances.TryGetValue((f.Attack, f.AttackPlugin), out var known) ? known : instances[(f.Attack, f.AttackPlugin)] = Attacks.Of(f, plan, nodes);
        var crafting = plan.Nodes.Select(n => (Node: n.Key, Attack: AttackOf(n.Value)))
            .Where(a => a.Attack?.Knows == AttackKnowledge.HonestVotes).ToDictionary(a => a.Node, a => a.Attack!);
        if (crafting.Count == 0) return votes;
        var byzantine = plan.Byzantine;
        var honest = votes.Where(v => !byzantine.Contains(v.NodeId)).Select(v => ForgedPayloads.Values(v.Payload)).ToArray();
        if (honest.Length == 0) return votes;
        return votes.Select(vote => crafting.TryGetValue(vote.NodeId, out var attack)
            ? vote with { Payload = attack.Forge(new AttackInput(vote.Payload, default, honest: honest)) }
            : vote).ToArray();
    }
}
