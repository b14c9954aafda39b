using SignActors.Messages.Protocol;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Randomness;
using SignActors.Training.Runs;
using SignActors.Training.Updates;

namespace SignActors.Server;

/// <summary>
/// The server's copy of the model (SPEC §6.5): it applies every aggregate with the same update
/// rule as the nodes, answers snapshots, and evaluates — loss and accuracy on the validation
/// records (when the run holds some out) and on the whole test set, ‖∇f‖₁ and ‖∇f‖₂ of the full
/// gradient over a fixed, seeded probe set of the records nodes train on.
/// </summary>
public sealed class GlobalModel : IDisposable
{
    readonly FlatModel _model;
    readonly DownlinkUpdate _update;
    readonly MinibatchBuilder _batches;
    readonly ImageSet _train, _test;
    readonly int[] _testRecords, _validation, _probe;

    public GlobalModel(FederationSpec spec, ImageSet train, ImageSet test)
    {
        _model = new FlatModel(ModelSpec.For(spec.Model, train), spec.Seed);
        _update = new DownlinkUpdate(spec.Algorithm);
        _batches = new MinibatchBuilder(spec.EvalBatchSize, train);
        _train = train;
        _test = test;
        _testRecords = Enumerable.Range(0, test.Count).ToArray();
        var split = ValidationSplit.Hold(train.Labels(), spec.Validation, spec.Seed);
        _validation = split.Validation;
        _probe = RecordSample.Draw(split.Training.Length, spec.ProbeRecords, StreamKey.ForRun(spec.Seed, StreamPurpose.Probe)).Select(i => split.Training[i]).ToArray();
    }

    /// <summary>The model's parameter tensors (per-tensor S_R radii are one per slot).</summary>
    public ParameterLayout Layout => _model.Layout;

    public int Dimension => _model.Dimension;

    /// <summary>The last round applied (0: x_1).</summary>
    public long LastAppliedRound { get; private set; }

    public void Apply(Aggregate aggregate)
    {
        if (aggregate.Round != LastAppliedRound + 1) throw new InvalidOperationException($"global model holds x_{LastAppliedRound + 1}, cannot apply round {aggregate.Round}");
        _model.UpdateParameters(x => _update.Apply(aggregate.Payload, x, aggregate.LearningRate));
        LastAppliedRound = aggregate.Round;
    }

    /// <summary>Continues from a checkpoint: x_{t+1} and the optimizer state after round t.</summary>
    public void Resume(Checkpoint checkpoint)
    {
        if (checkpoint.Global.Parameters.Length != Dimension) throw new ArgumentException($"checkpoint has {checkpoint.Global.Parameters.Length} parameters, the model d={Dimension}", nameof(checkpoint));
        _update.ImportState(checkpoint.Global.Optimizer, Dimension);
        _model.LoadParameters(checkpoint.Global.Parameters);
        LastAppliedRound = checkpoint.Round;
    }

    public ModelSnapshot Snapshot() => new(LastAppliedRound, _model.CopyParameters(), _update.ExportState());

    public float[] CopyParameters() => _model.CopyParameters();

    public ParameterHash Hash() => _model.Hash();

    public (Evaluation Test, Evaluation? Validation, GradientNorms Gradient) Evaluate() =>
        (_model.Evaluate(_test, _testRecords, _batches),
         _validation.Length > 0 ? _model.Evaluate(_train, _validation, _batches) : null,
         _model.FullGradientNorms(_train, _probe, _batches));

    public void Dispose()
    {
        _model.Dispose();
        _batches.Dispose();
    }
}
