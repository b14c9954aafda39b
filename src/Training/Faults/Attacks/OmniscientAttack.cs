using SignActors.Messages;
using SignActors.Messages.Packing;

namespace SignActors.Training.Faults.Attacks;

/// <summary><c>omniscient</c>: −sign(∇f(x_t)) of the full training gradient (or of a fixed sample); a dense uplink sends it as ±1 values.</summary>
/// <param name="sample">Training records of the gradient (0 = all).</param>
public sealed class OmniscientAttack(int sample) : IAttack
{
    public string Name => Spellings.Attack.Of(ByzantineAttack.Omniscient);
    public AttackKnowledge Knows => AttackKnowledge.FullGradient;
    public string Description => $"{Name} over {(sample > 0 ? $"a fixed sample of {sample} training records" : "the whole training set")}";

    public Payload Forge(in AttackInput input) => input.FullGradient.Length == input.Own.Length
        ? ForgedPayloads.AsKindOf(input.Own, SignPacker.Pack(input.FullGradient).Negated())
        : throw new ArgumentException($"omniscient attack needs the full gradient of d={input.Own.Length}, got {input.FullGradient.Length}", nameof(input));
}
