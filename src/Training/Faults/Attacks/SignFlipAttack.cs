using SignActors.Messages;

namespace SignActors.Training.Faults.Attacks;

/// <summary><c>sign-flip</c>: −(its honest message).</summary>
public sealed class SignFlipAttack : IAttack
{
    public string Name => Spellings.Attack.Of(ByzantineAttack.SignFlip);
    public AttackKnowledge Knows => AttackKnowledge.OwnMessage;
    public string Description => Name;
    public Payload Forge(in AttackInput input) => ForgedPayloads.Negate(input.Own);
}
