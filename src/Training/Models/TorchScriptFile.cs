using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Training.Models;

/// <summary>A model file that cannot be used; the message is one line naming it and what is wrong.</summary>
public sealed class ModelFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// An image classifier saved from PyTorch (<c>torch.jit.script</c> or <c>torch.jit.trace</c>, then
/// <c>.save</c>), held as the file's bytes and their SHA-256: every replica loads the same bytes, and
/// the hash is part of the run contract (a resume or another host with another file is another run).
/// x₁ is the file's saved parameter values. Every parameter must be float32; those that require
/// grad, in <c>named_parameters()</c> order, are the flat vector, and the others stay as saved.
/// The file is read when first needed (a config names it without opening it, as it names a data
/// directory), once. Equal files are equal values, wherever they lie.
/// </summary>
public sealed record TorchScriptFile(string Path)
{
    readonly Lazy<(byte[] Bytes, string Sha256)> _content = new(() => ReadContent(Path));

    static (byte[], string) ReadContent(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelFileException($"{path}: cannot be read: {e.Message}"); }
    }

    /// <summary>The file, read now (a missing or unreadable file is a <see cref="ModelFileException"/> here).</summary>
    public static TorchScriptFile Read(string path)
    {
        var file = new TorchScriptFile(path);
        _ = file.Sha256;
        return file;
    }

    /// <summary>SHA-256 of the file's bytes, hex.</summary>
    public string Sha256 => _content.Value.Sha256;

    /// <summary>
    /// A fresh module from the file's bytes, on the CPU (run it through <see cref="Forward"/>); a file
    /// TorchScript cannot load, or a parameter that is not float32, is a <see cref="ModelFileException"/>.
    /// </summary>
    public jit.ScriptModule<Tensor, Tensor> Load()
    {
        jit.ScriptModule<Tensor, Tensor> module;
        try { module = jit.load<Tensor, Tensor>(_content.Value.Bytes); }
        catch (ExternalException e) { throw new ModelFileException($"{Path}: not a TorchScript module PyTorch saved ({TorchMessage(e)})"); }
        if (module.named_parameters().Select(p => (p.name, p.parameter.dtype)).FirstOrDefault(p => p.dtype != ScalarType.Float32) is ({ } name, var type))
        {
            module.Dispose();
            throw new ModelFileException($"{Path}: parameter '{name}' is {type}; only float32 parameters are trained (save the model after model.float())");
        }
        return module;
    }

    /// <summary>
    /// What a run needs of the module, checked once at start on a batch of two images of the data's
    /// shape, each failure one line: it trains something, takes [2, C, H, W] and outputs [2, classes]
    /// logits, changes no buffer in a training step (BatchNorm's running statistics would differ
    /// between replicas, which see different data), and gives the same output twice (no dropout or
    /// other random layer, which would draw from the process's one generator in whatever order the
    /// compute threads reach it).
    /// </summary>
    public void Check(Data.ImageShape input, int classes)
    {
        using var module = Load();
        using var scope = NewDisposeScope();
        if (!ParameterLayout.Trained(module).Any()) throw new ModelFileException($"{Path}: has no parameters that require grad, so nothing to train");
        var buffers = module.named_buffers().Select(b => (b.name, Before: b.buffer.detach().clone())).ToArray();
        var batch = torch.linspace(-1, 1, 2L * input.Bytes).view(2, input.Channels, input.Height, input.Width);
        module.train();
        Tensor Run()
        {
            try { return Forward(module, batch); }
            catch (ExternalException e) { throw new ModelFileException($"{Path}: does not take the data's batches of [2, {input.Channels}, {input.Height}, {input.Width}] images: {TorchMessage(e)}"); }
        }
        var first = Run();
        if (first.shape is not [2, var width] || width != classes)
            throw new ModelFileException($"{Path}: outputs [{string.Join(", ", first.shape)}] for a batch of 2 images; the data has {classes} classes, so [2, {classes}] logits are expected");
        if (first.dtype != ScalarType.Float32) throw new ModelFileException($"{Path}: outputs {first.dtype} logits; float32 expected");
        foreach (var (name, before) in buffers)
            if (!Same(module.named_buffers().First(b => b.name == name).buffer, before))
                throw new ModelFileException($"{Path}: a training step changes its buffer '{name}' (BatchNorm's running statistics?), which would differ between replicas; use GroupNorm, or BatchNorm with track_running_stats=False");
        if (!Same(Run(), first))
            throw new ModelFileException($"{Path}: two training-mode calls on the same batch give different outputs (dropout or another random layer), so replicas could not stay bit-identical; remove it, or save the model without it");
    }

    /// <summary>The module's output, computed with the JIT's optimising passes off (<see cref="GraphExecutor"/>).</summary>
    public static Tensor Forward(jit.ScriptModule<Tensor, Tensor> module, Tensor images)
    {
        GraphExecutor.OffOnThisThread();
        return module.call(images);
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>The file's saved values of the parameters <paramref name="layout"/> holds, in its order: x₁.</summary>
    public static float[] SavedValues(nn.Module module, ParameterLayout layout)
    {
        var values = new float[layout.Length];
        using var scope = NewDisposeScope();
        foreach (var ((_, parameter), slot) in ParameterLayout.Trained(module).Zip(layout.Slots))
            FlatModel.Span(parameter.detach().cpu().contiguous().flatten()).CopyTo(values.AsSpan((int)slot.Offset, (int)slot.Length));
        return values;
    }

    /// <summary>The line of a libtorch error that says what went wrong (its "…Error: …" line, else its first), without the C++ or TorchScript traceback.</summary>
    public static string TorchMessage(Exception e)
    {
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.LastOrDefault(l => l.Contains("Error: ", StringComparison.Ordinal)) ?? lines.FirstOrDefault() ?? e.GetType().Name;
    }

    public bool Equals(TorchScriptFile? other) => other is not null && other.Sha256 == Sha256;

    public override int GetHashCode() => Sha256.GetHashCode();

    public override string ToString() => $"{Path} (SHA-256 {Sha256[..16]}…)";
}

/// <summary>
/// libtorch's graph executor runs a TorchScript graph a few times to profile it, then may swap in
/// an optimised (specialised, fused) plan — per module, after a count of calls each replica reaches
/// at a different time, and its kernels need not sum in the same order. With
/// <c>torch::jit::setGraphExecutorOptimize(false)</c> every call runs the graph as saved, so every
/// replica computes the same floats from its first step to its last (SPEC §11). The switch is
/// thread-local in libtorch, so it is turned off on every thread before it runs a module (compute
/// threads take steps in any order). TorchSharp 0.107 does not expose it; libtorch exports it (a
/// plain C++ function taking a bool).
/// </summary>
public static class GraphExecutor
{
    [DllImport("libtorch_cpu", EntryPoint = "_ZN5torch3jit24setGraphExecutorOptimizeEb")]
    static extern void SetGraphExecutorOptimize([MarshalAs(UnmanagedType.U1)] bool optimize);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN5torch3jit24getGraphExecutorOptimizeEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool GetGraphExecutorOptimize();

    [ThreadStatic] static bool _off;

    /// <summary>Turns the optimising passes off for the calling thread (once per thread).</summary>
    public static void OffOnThisThread()
    {
        if (_off) return;
        SetGraphExecutorOptimize(false);
        _off = true;
    }

    /// <summary>Whether libtorch's optimising passes are on for the calling thread now.</summary>
    public static bool Optimising => GetGraphExecutorOptimize();
}
