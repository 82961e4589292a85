using PrivateFl.Cli.Internal;

namespace PrivateFl.Cli;

/// <summary>The entry point of <c>privatefl</c> (the .NET tool) and of <c>dotnet run --project src/Cli --</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => CliApplication.RunAsync(args, CliEnvironment.FromProcess());
}
