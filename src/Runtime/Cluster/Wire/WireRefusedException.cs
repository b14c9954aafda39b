using System.Runtime.Serialization;

namespace SignActors.Runtime.Cluster.Wire;

/// <summary>
/// A frame this cluster's wire does not accept. Akka.Remote drops it and logs a warning with this
/// exception; it prints as one line (no stack trace: the refusal is the whole story).
/// </summary>
public sealed class WireRefusedException(string message) : SerializationException(message)
{
    public override string? StackTrace => null;
    public override string ToString() => $"{nameof(WireRefusedException)}: {Message}";
}
