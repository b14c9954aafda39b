using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Training.Models;

/// <summary>
/// Where a replica's tensors live, from config: <c>cpu</c>, <c>cuda</c> (= cuda:0), <c>cuda:N</c>,
/// or <c>auto</c> — replica i on cuda:(i mod visible GPUs), or the CPU (with a log line) when
/// CUDA is unavailable.
/// </summary>
public static class ReplicaDevice
{
    /// <summary>Checks the spelling without touching CUDA (for config validation).</summary>
    public static void Validate(string spec)
    {
        if (spec is "cpu" or "cuda" or "auto") return;
        if (spec.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(spec.AsSpan(5), out int n) && n >= 0) return;
        throw new ArgumentException($"device '{spec}' is not one of cpu, cuda, cuda:N, auto");
    }

    public static Device Resolve(string spec, int replica, Action<string>? log = null)
    {
        Validate(spec);
        if (spec == "cpu") return CPU;
        int visible = cuda.is_available() ? cuda.device_count() : 0;
        if (spec == "auto")
        {
            if (visible > 0) return new Device(DeviceType.CUDA, replica % visible);
            log?.Invoke($"device auto: CUDA is not available (this build uses {(TorchBuild.IsCuda ? "TorchSharp-cuda" : "libtorch-cpu")}); replica {replica} runs on the CPU");
            return CPU;
        }
        int index = spec == "cuda" ? 0 : int.Parse(spec.AsSpan(5));
        if (index >= visible)
            throw new ArgumentException(visible == 0
                ? $"device '{spec}': CUDA is not available here (build with -p:Accelerator=cuda on a GPU host, or use cpu/auto)"
                : $"device '{spec}': only {visible} CUDA device(s) visible");
        return new Device(DeviceType.CUDA, index);
    }
}

/// <summary>What the build linked against (the -p:Accelerator switch).</summary>
public static class TorchBuild
{
#if SIGNACTORS_CUDA
    public const bool IsCuda = true;
#else
    public const bool IsCuda = false;
#endif
}
