using SignActors.Messages;

namespace SignActors.Training.Faults.Attacks;

/// <summary><c>alie</c> (Baruch et al. 2019): μ − zσ of the round's honest messages (<see cref="CraftedAttacks.Alie"/>), crafted by the server.</summary>
public sealed class AlieAttack(double z) : IAttack
{
    public string Name => Spellings.Attack.Of(ByzantineAttack.Alie);
    public AttackKnowledge Knows => AttackKnowledge.HonestVotes;
    public string Description => FormattableString.Invariant($"{Name} (μ − zσ of the honest votes, z = {z:F3}, crafted by the server)");

    readonly CraftedOnce _crafted = new();

    public Payload Forge(in AttackInput input) =>
        ForgedPayloads.AsKindOf(input.Own, _crafted.For(input.Honest ?? throw new ArgumentException("alie needs the round's honest messages", nameof(input)), honest => CraftedAttacks.Alie(honest, z)));
}
