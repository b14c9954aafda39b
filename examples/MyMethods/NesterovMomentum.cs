using SignActors.Messages.Protocol;
using SignActors.Node.Estimators;
using SignActors.Training.Algorithms;

namespace MyMethods;

/// <summary>
/// Nesterov's look-ahead on SignActors' momentum: v_t = (1 − β)v_{t−1} + βg_t, and the node sends
/// u_t = (1 − β)v_t + βg_t, the momentum one step ahead. β (the new gradient's weight) is
/// algorithm.plugin.beta, default 0.1.
/// </summary>
public sealed class NesterovMomentum(int dimension, PluginSettings settings) : IGradientEstimator
{
    readonly float _beta = (float)settings.Double("beta", 0.1) is var b && b > 0 && b <= 1 ? b : throw new ArgumentException($"algorithm.plugin.beta must be in (0, 1], got {b}");
    readonly float[] _v = new float[dimension], _u = new float[dimension];

    public string Name => "nesterov-momentum";
    public EstimatorDeclaration Declaration { get; } = new();
    public bool NeedsGradientAtPrevious => false;

    public ReadOnlySpan<float> Update(in EstimatorInput input)
    {
        var g = input.Gradient;
        Estimator.CheckLength(g, _v.Length, "gradient");
        for (int k = 0; k < _v.Length; k++)
        {
            _v[k] = (1 - _beta) * _v[k] + _beta * g[k];
            _u[k] = (1 - _beta) * _v[k] + _beta * g[k];
        }
        return _u;
    }

    public void Reset() => Array.Clear(_v);
    public EstimatorSnapshot Export() => new(true, [(float[])_v.Clone()]);
    public void Import(EstimatorSnapshot state)
    {
        Estimator.CheckState(state, 1, _v.Length, Name);
        state.Buffers[0].CopyTo(_v, 0);
    }
}
