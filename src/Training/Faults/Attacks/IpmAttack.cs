using SignActors.Messages;

namespace SignActors.Training.Faults.Attacks;

/// <summary><c>ipm</c> (Xie et al. 2020): −εμ of the round's honest messages (<see cref="CraftedAttacks.Ipm"/>), crafted by the server.</summary>
public sealed class IpmAttack(double epsilon) : IAttack
{
    public string Name => Spellings.Attack.Of(ByzantineAttack.Ipm);
    public AttackKnowledge Knows => AttackKnowledge.HonestVotes;
    public string Description => FormattableString.Invariant($"{Name} (−εμ of the honest votes, ε = {epsilon}, crafted by the server)");

    readonly CraftedOnce _crafted = new();

    public Payload Forge(in AttackInput input) =>
        ForgedPayloads.AsKindOf(input.Own, _crafted.For(input.Honest ?? throw new ArgumentException("ipm needs the round's honest messages", nameof(input)), honest => CraftedAttacks.Ipm(honest, epsilon)));
}
