using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace SignActors.Runtime.Federation;

/// <summary>
/// SIGINT and SIGTERM for a run's process. The first signal stops the host's application
/// (<see cref="Hosting.ActorSystemHost"/>): Akka.Hosting runs CoordinatedShutdown, whose first
/// phase lets the run stop cleanly (the server finishes the open round and writes a checkpoint; a
/// worker's nodes just stop, and the cluster phases then leave gracefully). A second signal exits
/// at once. The process ends with 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly TextWriter _console;
    readonly PosixSignalRegistration[] _registrations;
    readonly object _gate = new();
    string? _signal;
    Action? _stop;

    public StopSignals(TextWriter console)
    {
        _console = console;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>The signal that came ("SIGINT", "SIGTERM"); null while none has.</summary>
    public string? Signal { get { lock (_gate) return _signal; } }

    /// <summary>130 after SIGINT, 143 after SIGTERM; null while no signal has come.</summary>
    public int? ExitCode => Signal is { } s ? ExitCodeOf(s) : null;

    /// <summary>128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.</summary>
    public static int ExitCodeOf(string signal) => signal == "SIGINT" ? 130 : 143;

    /// <summary>From now on a signal stops <paramref name="lifetime"/>'s application.</summary>
    public void Attach(IHostApplicationLifetime lifetime)
    {
        bool early;
        lock (_gate)
        {
            _stop = lifetime.StopApplication;
            early = _signal is not null;
        }
        if (early) lifetime.StopApplication(); // it came while the host was starting
    }

    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the run stops itself
        string name = context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        Action? stop;
        lock (_gate)
        {
            if (_signal is not null)
            {
                _console.WriteLine($"{name} again: exiting now");
                Environment.Exit(ExitCode ?? 130);
            }
            (_signal, stop) = (name, _stop);
        }
        _console.WriteLine($"{name}: finishing the open round and writing a checkpoint (send it again to exit at once)");
        stop?.Invoke();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }
}
