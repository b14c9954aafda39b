using SignActors.Training.Data;
using SignActors.Training.Models;
using static TorchSharp.torch;

namespace SignActors.Node.Replicas;

/// <summary>
/// One module that takes gradients (SPEC §6.2): a <see cref="FlatModel"/>, its minibatch buffers,
/// STORM's x_{t−1}, and host copies of its gradients when it lives on an accelerator. Per node it
/// is the node's own model; per host it is one of a pool, loaded with the host's x_t before use.
/// </summary>
public sealed class ComputeSlot : IDisposable
{
    readonly ImageSet _train;
    readonly MinibatchBuilder _batches;
    readonly int _fullGradientBatch;
    readonly float[] _hostGradient, _gradientAtPrevious;
    readonly bool _ownsModel;
    MinibatchBuilder? _sampleBatches;
    bool _atPreviousTaken;

    /// <param name="previous">Where x_{t−1} is kept (STORM; null otherwise).</param>
    /// <param name="ownsModel">Dispose <paramref name="model"/> and <paramref name="previous"/> with the slot (a pool's slots do; a node's own model is its replica's).</param>
    public ComputeSlot(FlatModel model, Tensor? previous, ImageSet train, int batchSize, int fullGradientBatch, bool ownsModel)
    {
        (Model, Previous, _train, _fullGradientBatch, _ownsModel) = (model, previous, train, fullGradientBatch, ownsModel);
        _batches = new MinibatchBuilder(batchSize, train);
        _hostGradient = model.OnCpu ? [] : new float[model.Dimension];
        _gradientAtPrevious = previous is null ? [] : new float[model.Dimension];
    }

    public FlatModel Model { get; }

    /// <summary>x_{t−1} (STORM), or null.</summary>
    public Tensor? Previous { get; }

    /// <summary>Which version of its replica's x this slot holds (a pool's slots are reloaded when stale).</summary>
    public long Version { get; set; } = -1;

    /// <summary>g_t of the last <see cref="Step"/> (or the last full gradient) in host memory, valid until the next call.</summary>
    public ReadOnlySpan<float> Gradient => Model.OnCpu ? Model.GradientSpan : _hostGradient;

    /// <summary>∇f(x_{t−1}; ξ_t) of the last <see cref="Step"/> that asked for it; empty otherwise.</summary>
    public ReadOnlySpan<float> GradientAtPrevious => _atPreviousTaken ? _gradientAtPrevious : default;

    /// <summary>
    /// Forward and backward at x_t on the records <paramref name="indices"/>, and first at x_{t−1}
    /// on the same minibatch when <paramref name="alsoAtPrevious"/>; returns the loss at x_t.
    /// </summary>
    public float Step(ReadOnlySpan<int> indices, bool alsoAtPrevious)
    {
        using var scope = NewDisposeScope();
        var (images, labels) = _batches.Build(_train, indices, Model.Device);
        _atPreviousTaken = false;
        if (alsoAtPrevious)
        {
            Model.StepAt(Previous ?? throw new InvalidOperationException("this replica keeps no x_{t−1}"), images, labels);
            Model.HostGradient(_hostGradient).CopyTo(_gradientAtPrevious);
            _atPreviousTaken = true;
        }
        float loss = Model.Step(images, labels);
        if (!Model.OnCpu) Model.HostGradient(_hostGradient);
        return loss;
    }

    /// <summary>
    /// Adds <paramref name="noise"/> from <paramref name="key"/>'s stream to the last step's gradient,
    /// and the same draws to ∇f(x_{t−1}; ξ_t) when it was taken: the same minibatch, the same noise.
    /// An objective's minibatch of B is the mean of B draws (its gradient is otherwise exact).
    /// </summary>
    public void AddNoise(Training.Noise.NoiseSpec noise, in Training.Randomness.StreamKey key)
    {
        if (noise.IsNone) return;
        int draws = Model.Spec.Objective is null ? 1 : _batches.Capacity;
        Training.Noise.GradientNoise.Add(Model.OnCpu ? Model.GradientSpan : _hostGradient, noise, key, draws);
        if (_atPreviousTaken) Training.Noise.GradientNoise.Add(_gradientAtPrevious, noise, key, draws);
    }

    /// <summary>∇f(x_t) of the mean loss over <paramref name="records"/> (an omniscient attacker's sample), then read from <see cref="Gradient"/>.</summary>
    public void FullGradient(IReadOnlyList<int> records)
    {
        _sampleBatches ??= new MinibatchBuilder(_fullGradientBatch, _train);
        Model.FullGradientNorms(_train, records, _sampleBatches);
        if (!Model.OnCpu) Model.HostGradient(_hostGradient);
    }

    public void Dispose()
    {
        _batches.Dispose();
        _sampleBatches?.Dispose();
        if (!_ownsModel) return;
        Model.Dispose();
        Previous?.Dispose();
    }
}
