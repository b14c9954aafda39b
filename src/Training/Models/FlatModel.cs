using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SignActors.Training.Data;
using SignActors.Training.Objectives;
using SignActors.Training.Vectors;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Training.Models;

/// <summary>Test loss (mean cross-entropy) and accuracy over a set of records.</summary>
public readonly record struct Evaluation(double Loss, double Accuracy, int Records);

/// <summary>‖∇f‖₁ and ‖∇f‖₂ of the full gradient of the mean loss over a probe set.</summary>
public readonly record struct GradientNorms(double L1, double L2);

/// <summary>f (the mean loss) and ‖∇f‖₁, ‖∇f‖₂ over every training record: the exact stationarity measure at one point.</summary>
public readonly record struct WholeSetGradient(double Loss, double L1, double L2);

/// <summary>
/// One replica's model (SPEC §11): every trainable parameter is a view into one contiguous
/// float32 vector <see cref="Parameters"/> (layout: <see cref="Layout"/>), and every parameter's
/// <c>.grad</c> is a view into one flat <see cref="Gradient"/>, so backward accumulates straight
/// into it. Both live on the replica's device. Every step and evaluation runs in its own
/// <c>torch.NewDisposeScope()</c>; nothing but the two flat vectors outlives a call.
/// f is the mean cross-entropy plus, with <c>model.l2</c> = λ, the term λ/2·‖x‖² (its gradient λx is
/// added after backward); an objective (<see cref="ModelSpec.Objective"/>) is its closed form on
/// the CPU, whatever the minibatch holds.
/// </summary>
public sealed class FlatModel : IDisposable
{
    readonly Network _network;
    readonly nn.Module _module;
    readonly Tensor _swap; // holds x_t while a gradient is taken at another point

    /// <summary>x_1 drawn from <paramref name="seed"/> (<see cref="ParameterInit"/>), or a TorchScript file's saved values, or an objective's start (the seed changes neither).</summary>
    public FlatModel(ModelSpec spec, ulong seed, Device? device = null) : this(spec, device, seed) { }

    /// <summary>
    /// A copy whose parameters are loaded before each use (a compute slot, the evaluation model):
    /// zero until then, so no initial draw of d normals is spent on it.
    /// </summary>
    public static FlatModel LoadedLater(ModelSpec spec, Device? device = null) => new(spec, device, null);

    FlatModel(ModelSpec spec, Device? device, ulong? seed)
    {
        Spec = spec;
        Device = device ?? CPU;
        if (spec.Objective is not null && Device.type != DeviceType.CPU) throw new ArgumentException($"an objective runs on the CPU, not {Device}", nameof(device));
        _network = ModelZoo.Build(spec);
        _module = _network.Module;
        Layout = new ParameterLayout(_module);
        _module.to(Device);
        Parameters = seed is { } s
            ? torch.tensor(spec.Objective is { } f ? f.Start.Select(v => (float)v).ToArray()
                : spec.Script is null ? ParameterInit.Values(_module, Layout, s) : TorchScriptFile.SavedValues(_module, Layout), ScalarType.Float32).to(Device)
            : torch.zeros(Layout.Length, ScalarType.Float32, Device);
        Gradient = torch.zeros(Layout.Length, ScalarType.Float32, Device);
        _swap = torch.empty(Layout.Length, ScalarType.Float32, Device);
        using (no_grad())
        {
            var parameters = ParameterLayout.Trained(_module).ToArray();
            for (int i = 0; i < parameters.Length; i++)
            {
                var (name, p) = parameters[i];
                var slot = Layout.Slots[i];
                if (slot.Name != name) throw new InvalidOperationException($"layout slot {i} is {slot.Name}, module says {name}");
                p.set_(Parameters.narrow(0, slot.Offset, slot.Length).view(slot.Shape));
                p.grad = Gradient.narrow(0, slot.Offset, slot.Length).view(slot.Shape);
            }
        }
    }

    public ModelSpec Spec { get; }
    public Device Device { get; }
    public ParameterLayout Layout { get; }

    /// <summary>d.</summary>
    public int Dimension => Layout.Length;

    /// <summary>The flat parameter vector x (the module's parameters are views of it).</summary>
    public Tensor Parameters { get; }

    /// <summary>The flat gradient of the last <see cref="Step"/> (the parameters' .grad are views of it).</summary>
    public Tensor Gradient { get; }

    public bool OnCpu => Device.type == DeviceType.CPU;

    /// <summary>The parameters as a span, without a copy (CPU replicas).</summary>
    public Span<float> ParameterSpan => CpuSpan(Parameters);

    /// <summary>The gradient as a span, without a copy (CPU replicas).</summary>
    public Span<float> GradientSpan => CpuSpan(Gradient);

    /// <summary>
    /// Runs <paramref name="update"/> on the parameters in host memory: on the CPU the flat vector
    /// itself, on an accelerator a host copy that is written back afterwards.
    /// </summary>
    public void UpdateParameters(HostUpdate update)
    {
        if (OnCpu) { update(ParameterSpan); return; }
        using var host = Parameters.cpu();
        update(MemoryMarshal.Cast<byte, float>(host.bytes));
        using (no_grad()) Parameters.copy_(host);
    }

    /// <summary>The last gradient in host memory: the flat gradient itself on the CPU, else copied into <paramref name="hostBuffer"/>.</summary>
    public ReadOnlySpan<float> HostGradient(float[] hostBuffer)
    {
        if (OnCpu) return GradientSpan;
        using var host = Gradient.cpu();
        MemoryMarshal.Cast<byte, float>(host.bytes).CopyTo(hostBuffer);
        return hostBuffer;
    }

    /// <summary>A copy of the parameters (snapshots, checkpoints).</summary>
    public float[] CopyParameters()
    {
        if (OnCpu) return ParameterSpan.ToArray();
        using var host = Parameters.cpu();
        return MemoryMarshal.Cast<byte, float>(host.bytes).ToArray();
    }

    /// <summary>Overwrites the parameters with <paramref name="values"/> (a snapshot).</summary>
    public void LoadParameters(ReadOnlySpan<float> values)
    {
        if (values.Length != Dimension) throw new ArgumentException($"{values.Length} values for d={Dimension} parameters", nameof(values));
        if (OnCpu) { values.CopyTo(ParameterSpan); return; }
        using var host = torch.tensor(values.ToArray(), ScalarType.Float32);
        using (no_grad()) Parameters.copy_(host);
    }

    /// <summary>A CPU float32 tensor's elements, without a copy.</summary>
    public static Span<float> Span(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    Span<float> CpuSpan(Tensor t) => OnCpu
        ? Span(t)
        : throw new InvalidOperationException($"the flat vectors live on {Device}; use the tensor, or DeviceSigns");

    /// <summary>The module's output for a batch, without building a graph (tests, evaluation).</summary>
    public Tensor Forward(Tensor images)
    {
        using (no_grad()) return _network.Forward(images);
    }

    /// <summary>Forward and backward on one minibatch: <see cref="Gradient"/> ← ∇f at x (mean cross-entropy, plus the L2 term; an objective's exact ∇f); returns f.</summary>
    public float Step(Tensor images, Tensor labels)
    {
        if (Spec.Objective is { } f) return (float)ObjectiveGradient(f);
        using var scope = NewDisposeScope();
        _module.train();
        Gradient.zero_();
        var loss = nn.functional.cross_entropy(_network.Forward(images), labels);
        loss.backward();
        return (float)(loss.item<float>() + AddL2());
    }

    /// <summary>With model.l2 = λ: ∇ ← ∇ + λx; returns λ/2·‖x‖², the term's part of f (0 without one).</summary>
    double AddL2()
    {
        if (Spec.L2 == 0) return 0;
        using (no_grad())
        {
            Gradient.add_(Parameters, alpha: Spec.L2);
            using var squared = Parameters.dot(Parameters);
            return 0.5 * Spec.L2 * squared.item<float>();
        }
    }

    /// <summary>An objective's exact ∇f(x) into <see cref="Gradient"/>; returns f(x).</summary>
    double ObjectiveGradient(ObjectiveSpec f)
    {
        Objective.Gradient(f, ParameterSpan, GradientSpan);
        return Objective.Value(f, ParameterSpan);
    }

    /// <summary>
    /// The gradient at another point <paramref name="at"/> (STORM's ∇f(x_{t−1}; ξ_t)) on the same
    /// minibatch, into <see cref="Gradient"/>, without rebuilding the module: x is swapped out and
    /// back, so <see cref="Parameters"/> is unchanged afterwards, bit for bit.
    /// </summary>
    public float StepAt(Tensor at, Tensor images, Tensor labels)
    {
        if (at.shape.Length != 1 || at.shape[0] != Dimension) throw new ArgumentException($"point has shape [{string.Join(", ", at.shape)}], the model d={Dimension}", nameof(at));
        using (no_grad())
        {
            _swap.copy_(Parameters);
            Parameters.copy_(at);
        }
        try { return Step(images, labels); }
        finally
        {
            using (no_grad()) Parameters.copy_(_swap);
        }
    }

    /// <summary>
    /// Mean cross-entropy and accuracy over <paramref name="records"/> of <paramref name="set"/>, in
    /// batches, without gradients (the L2 term is not in it: a loss comparable across λ). An
    /// objective's is f(x) − f*, with no accuracy (NaN).
    /// </summary>
    public Evaluation Evaluate(ImageSet set, IReadOnlyList<int> records, MinibatchBuilder batches)
    {
        if (Spec.Objective is { } f) return new Evaluation(Objective.Value(f, ParameterSpan) - f.Optimum, double.NaN, 0);
        double lossSum = 0;
        long correct = 0;
        _module.eval();
        using (no_grad())
            ForEachBatch(set, records, batches, (images, labels) =>
            {
                var logits = _network.Forward(images);
                lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            });
        _module.train();
        return new Evaluation(lossSum / records.Count, (double)correct / records.Count, records.Count);
    }

    /// <summary>
    /// The full gradient of the mean loss over the probe records (backward accumulates the batches
    /// into <see cref="Gradient"/>), and its ℓ1 and ℓ2 norms in the canonical summation order.
    /// </summary>
    public GradientNorms FullGradientNorms(ImageSet set, IReadOnlyList<int> probe, MinibatchBuilder batches)
    {
        if (Spec.Objective is { } f) ObjectiveGradient(f);
        else
        {
            Gradient.zero_();
            ForEachBatch(set, probe, batches, (images, labels) =>
                nn.functional.cross_entropy(_network.Forward(images), labels, reduction: nn.Reduction.Sum).div(probe.Count).backward());
            AddL2();
        }
        if (OnCpu) { var (l1, l2) = Norms.L1AndL2(GradientSpan); return new GradientNorms(l1, l2); }
        using var copy = Gradient.cpu();
        var span = MemoryMarshal.Cast<byte, float>(copy.bytes);
        var (cpuL1, cpuL2) = Norms.L1AndL2(span);
        return new GradientNorms(cpuL1, cpuL2);
    }

    /// <summary>
    /// f and ∇f of the mean loss over <paramref name="records"/> (all of a training set) in chunks
    /// of <paramref name="chunks"/>' capacity: each chunk's summed loss is differentiated on its own
    /// and its gradient added into a double accumulator, chunk after chunk in record order. Memory
    /// stays one chunk's activations and d doubles however large the set; the result depends on the
    /// chunk size only through float rounding, never on timing.
    /// </summary>
    public WholeSetGradient WholeSetGradient(ImageSet set, IReadOnlyList<int> records, MinibatchBuilder chunks)
    {
        if (Spec.Objective is { } f)
        {
            double value = ObjectiveGradient(f);
            var (gl1, gl2) = Norms.L1AndL2(GradientSpan);
            return new WholeSetGradient(value, gl1, gl2);
        }
        var sum = new double[Dimension];
        var host = OnCpu ? [] : new float[Dimension];
        double loss = 0;
        ForEachBatch(set, records, chunks, (images, labels) =>
        {
            Gradient.zero_();
            var chunkLoss = nn.functional.cross_entropy(_network.Forward(images), labels, reduction: nn.Reduction.Sum);
            chunkLoss.backward();
            loss += chunkLoss.item<float>();
            Norms.Accumulate(sum, HostGradient(host));
        });
        for (int k = 0; k < sum.Length; k++) sum[k] /= records.Count;
        loss /= records.Count;
        if (Spec.L2 != 0)
        {
            var x = CopyParameters();
            for (int k = 0; k < sum.Length; k++) { sum[k] += Spec.L2 * x[k]; loss += 0.5 * Spec.L2 * x[k] * (double)x[k]; }
        }
        var (l1, l2) = Norms.L1AndL2(sum);
        return new WholeSetGradient(loss, l1, l2);
    }

    /// <summary>Runs <paramref name="body"/> on consecutive batches of the records, each inside its own dispose scope.</summary>
    void ForEachBatch(ImageSet set, IReadOnlyList<int> records, MinibatchBuilder batches, Action<Tensor, Tensor> body)
    {
        var indices = new int[batches.Capacity];
        for (int start = 0; start < records.Count; start += batches.Capacity)
        {
            using var scope = NewDisposeScope();
            int b = Math.Min(batches.Capacity, records.Count - start);
            for (int i = 0; i < b; i++) indices[i] = records[start + i];
            var (images, labels) = batches.Build(set, indices.AsSpan(0, b), Device);
            body(images, labels);
        }
    }

    /// <summary>SHA-256 of the parameter bytes (little-endian float32 in layout order): equal ⇔ bit-identical replicas.</summary>
    public ParameterHash Hash()
    {
        if (OnCpu) return ParameterHash.Of(ParameterSpan);
        using var copy = Parameters.cpu();
        return ParameterHash.Of(MemoryMarshal.Cast<byte, float>(copy.bytes));
    }

    public void Dispose()
    {
        _network.Dispose();
        Parameters.Dispose();
        Gradient.Dispose();
        _swap.Dispose();
    }
}

/// <summary>A change to a replica's parameters, made in host memory.</summary>
public delegate void HostUpdate(Span<float> parameters);

/// <summary>SHA-256 of a flat float32 vector; <see cref="Short"/> is its first 8 bytes in hex, for logs.</summary>
public readonly record struct ParameterHash(string Hex)
{
    public static ParameterHash Of(ReadOnlySpan<float> values) => new(Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values))));
    public string Short => Hex[..16];
    public override string ToString() => Hex;
}
