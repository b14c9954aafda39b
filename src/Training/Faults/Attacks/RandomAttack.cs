using SignActors.Messages;

namespace SignActors.Training.Faults.Attacks;

/// <summary><c>random</c>: uniform random signs from the node's ByzantineNoise stream for the round; a dense vector keeps its magnitudes.</summary>
public sealed class RandomAttack : IAttack
{
    public string Name => Spellings.Attack.Of(ByzantineAttack.Random);
    public AttackKnowledge Knows => AttackKnowledge.OwnMessage;
    public string Description => Name;
    public Payload Forge(in AttackInput input) => ForgedPayloads.Randomise(input.Own, input.Noise);
}
