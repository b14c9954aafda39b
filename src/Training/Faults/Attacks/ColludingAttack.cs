using SignActors.Messages;

namespace SignActors.Training.Faults.Attacks;

/// <summary><c>colluding</c>: −a_{t−1}, the sign of the last broadcast every node knows (round 1, with none yet: −(its honest message)).</summary>
public sealed class ColludingAttack : IAttack
{
    public string Name => Spellings.Attack.Of(ByzantineAttack.Colluding);
    public AttackKnowledge Knows => AttackKnowledge.LastBroadcast;
    public string Description => Name;

    public Payload Forge(in AttackInput input) => input.LastBroadcast is { } last
        ? ForgedPayloads.AsKindOf(input.Own, PayloadSigns.Of(last).Negated())
        : ForgedPayloads.Negate(input.Own);
}
