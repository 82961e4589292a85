using Microsoft.Extensions.Options;

namespace PrivateFl.Server.Options;

/// <summary>Refuses to start without a usable database path.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            return ValidateOptionsResult.Fail("StorageOptions:DatabasePath must be set.");
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        return directory is not null && !Directory.Exists(directory)
            ? ValidateOptionsResult.Fail($"StorageOptions:DatabasePath '{options.DatabasePath}': the folder '{directory}' does not exist.")
            : ValidateOptionsResult.Success;
    }
}
