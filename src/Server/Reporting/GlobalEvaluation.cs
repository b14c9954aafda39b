using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Randomness;
using SignActors.Training.Runs;

namespace SignActors.Server.Reporting;

/// <summary>What an evaluation round measures of the global model.</summary>
public sealed record EvaluationResult(Evaluation? Test, Evaluation? Validation, GradientNorms Gradient);

/// <summary>
/// Evaluates copies of the global parameters (SPEC §9) on a model of its own: loss and accuracy on
/// the validation records (when the run holds some out) and on the whole test set (unless the run
/// leaves test data alone, as tuning runs do), ‖∇f‖₁ and ‖∇f‖₂
/// of the full gradient over a fixed, seeded probe set of the records nodes train on; and for the
/// stationarity measure f and ‖∇f‖ over every record nodes train on, in chunks of the evaluation batch.
/// </summary>
public sealed class GlobalEvaluation : IDisposable
{
    readonly FlatModel _model;
    readonly MinibatchBuilder _batches;
    readonly ImageSet _train, _test;
    readonly int[] _testRecords, _validation, _probe, _training;
    readonly bool _evaluatesTest;

    public GlobalEvaluation(RunContract spec, RunOptions options, ImageSet train, ImageSet test)
    {
        _model = FlatModel.LoadedLater(spec.ModelFor(train)); // Evaluate loads the parameters it is given
        _batches = new MinibatchBuilder(options.EvalBatchSize, train);
        _train = train;
        _test = test;
        _testRecords = Enumerable.Range(0, test.Count).ToArray();
        _evaluatesTest = options.EvaluateTest;
        var split = ValidationSplit.Hold(train.Labels(), spec.Validation, spec.Seed);
        _validation = split.Validation;
        _training = split.Training;
        _probe = RecordSample.Draw(split.Training.Length, options.ProbeRecords, StreamKey.ForRun(spec.Seed, StreamPurpose.Probe)).Select(i => split.Training[i]).ToArray();
    }

    public EvaluationResult Evaluate(float[] parameters)
    {
        _model.LoadParameters(parameters);
        if (_model.Spec.Objective is not null)
        {
            // No data to hold out or protect: f − f* is both what a run reports and what tuning selects on.
            var gap = _model.Evaluate(_test, _testRecords, _batches);
            return new EvaluationResult(_evaluatesTest ? gap : null, gap, _model.FullGradientNorms(_train, _probe, _batches));
        }
        return new EvaluationResult(
            _evaluatesTest ? _model.Evaluate(_test, _testRecords, _batches) : null,
            _validation.Length > 0 ? _model.Evaluate(_train, _validation, _batches) : null,
            _model.FullGradientNorms(_train, _probe, _batches));
    }

    /// <summary>f(x) and ‖∇f(x)‖₁, ‖∇f(x)‖₂ over every training record nodes train on (the stationarity measure at x = x_t).</summary>
    public WholeSetGradient WholeSet(float[] parameters)
    {
        _model.LoadParameters(parameters);
        return _model.WholeSetGradient(_train, _training, _batches);
    }

    public void Dispose()
    {
        _model.Dispose();
        _batches.Dispose();
    }
}
