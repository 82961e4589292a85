using System.Reflection;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Internal;

/// <summary>
/// The smallest container Spectre.Console.Cli needs: it builds commands with the run's <see cref="CliEnvironment"/>, so a
/// test runs the real commands on its own output and environment variables.
/// </summary>
internal sealed class TypeRegistrar(CliEnvironment environment) : ITypeRegistrar, ITypeResolver
{
    private readonly Dictionary<Type, Func<object?>> _factories = [];

    public ITypeResolver Build() => this;

    public void Register(Type service, Type implementation) => _factories[service] = () => Create(implementation);

    public void RegisterInstance(Type service, object implementation) => _factories[service] = () => implementation;

    public void RegisterLazy(Type service, Func<object> factory) => _factories[service] = factory;

    public object? Resolve(Type? type)
    {
        if (type is null)
        {
            return null;
        }

        if (type == typeof(CliEnvironment))
        {
            return environment;
        }

        return _factories.TryGetValue(type, out Func<object?>? factory) ? factory() : Create(type);
    }

    private object? Create(Type type)
    {
        if (type.IsAbstract || type.IsInterface)
        {
            return null;
        }

        ConstructorInfo? constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        return constructor is null
            ? Activator.CreateInstance(type)
            : constructor.Invoke([.. constructor.GetParameters().Select(p => Resolve(p.ParameterType))]);
    }
}
