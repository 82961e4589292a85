namespace PrivateFl.ClientSdk.Internal;

/// <summary>Why a schema or column definition was refused, and which argument of the public constructor or factory carries the fault.</summary>
/// <param name="Message">What is wrong and what is allowed.</param>
/// <param name="ParameterName">The argument at fault.</param>
internal sealed record SchemaError(string Message, string ParameterName);
