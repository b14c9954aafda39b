using SignActors.Messages.Protocol;
using SignActors.Training.Algorithms;

namespace SignActors.Node.Estimators;

/// <summary>v_t = g_t.</summary>
public sealed class PlainEstimator(int dimension) : IGradientEstimator
{
    readonly float[] _v = new float[dimension];
    public string Name => Names.Of(EstimatorKind.Plain);
    public EstimatorDeclaration Declaration { get; } = BuiltInDeclarations.Of(new EstimatorSpec(EstimatorKind.Plain));
    public bool NeedsGradientAtPrevious => false;

    public ReadOnlySpan<float> Update(in EstimatorInput input)
    {
        Estimator.CheckLength(input.Gradient, _v.Length, "gradient");
        input.Gradient.CopyTo(_v);
        return _v;
    }

    public void Reset() { }

    public EstimatorSnapshot Export() => new(false, Array.Empty<float[]>());

    public void Import(EstimatorSnapshot state) => Estimator.CheckState(state, 0, _v.Length, Name);
}
