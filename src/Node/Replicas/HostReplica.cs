using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;

namespace SignActors.Node.Replicas;

/// <summary>
/// The per-host <see cref="ModelReplica"/> that a host's node actors share, made by the first node
/// that starts (on a compute thread, so a model that cannot be built fails that node's start with
/// the reason) and resumed from the run's checkpoint once. Owned by the nodes' parent.
/// </summary>
public sealed class HostReplica(RunContract spec, ImageSet train, RunOptions options, Action<string>? log = null) : IDisposable
{
    readonly Lazy<ModelReplica> _model = new(() =>
    {
        var model = ModelReplica.PerHost(spec, train, slot => ReplicaDevice.Resolve(spec.Device, slot, log), options.EvalBatchSize);
        if (options.ResumeFrom is { } checkpoint) model.Resume(checkpoint);
        return model;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    public ModelReplica Model => _model.Value;

    public void Dispose()
    {
        if (_model.IsValueCreated) _model.Value.Dispose();
    }
}
