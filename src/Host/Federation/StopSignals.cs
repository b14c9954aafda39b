using System.Runtime.InteropServices;
using Akka;
using Akka.Actor;

namespace SignActors.Host.Federation;

/// <summary>The reason CoordinatedShutdown runs after a signal.</summary>
public sealed class SignalReason(string signal) : CoordinatedShutdown.Reason
{
    public string Signal => signal;
    public override int ExitCode => ExitCodeOf(signal);

    /// <summary>128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.</summary>
    public static int ExitCodeOf(string signal) => signal == "SIGINT" ? 130 : 143;
    public override string ToString() => signal;
}

/// <summary>
/// SIGINT and SIGTERM for a run's process, on CoordinatedShutdown: the first signal runs the
/// ActorSystem's shutdown, whose first phase lets the run stop cleanly (the server finishes the open
/// round and writes a checkpoint; a worker's nodes just stop, and the cluster phases then leave
/// gracefully); a second signal exits at once. The process ends with 128 + the signal's number:
/// 130 for SIGINT, 143 for SIGTERM.
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly TextWriter _console;
    readonly PosixSignalRegistration[] _registrations;
    readonly object _gate = new();
    string? _signal;
    Action<string>? _stop;

    public StopSignals(TextWriter console)
    {
        _console = console;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>The signal that came ("SIGINT", "SIGTERM"); null while none has.</summary>
    public string? Signal { get { lock (_gate) return _signal; } }

    /// <summary>130 after SIGINT, 143 after SIGTERM; null while no signal has come.</summary>
    public int? ExitCode => Signal is { } s ? SignalReason.ExitCodeOf(s) : null;

    /// <summary>
    /// From now on a signal runs <paramref name="system"/>'s CoordinatedShutdown, whose
    /// before-service-unbind phase waits for <paramref name="stopCleanly"/> (given the signal's name).
    /// </summary>
    public void Attach(ActorSystem system, Func<string, Task> stopCleanly)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "signactors-stop-cleanly",
            () => stopCleanly(shutdown.ShutdownReason is SignalReason s ? s.Signal : $"shutdown ({shutdown.ShutdownReason})").ContinueWith(_ => Done.Instance));
        string? early;
        lock (_gate)
        {
            _stop = signal => shutdown.Run(new SignalReason(signal));
            early = _signal;
        }
        if (early is not null) _stop(early); // it came while the system was starting
    }

    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the run stops itself
        string name = context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        Action<string>? stop;
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
        stop?.Invoke(name);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }
}
