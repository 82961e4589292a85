using System.Reflection;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Internal;

/// <summary>
/// The smallest container Spectre.Console.Cli needs: it builds commands with the run's <see cref="CliEnvironment"/>, so a
/// test runs the real commands on its own output and environment variables.
/// </summary>
internal sealed class TypeRegistrar(CliEnvironment environment) : ITypeRegistrar, ITypeResolver
{
    private readonly Dictionary<Type, List<Func<object?>>> _factories = [];

    public ITypeResolver Build() => this;

    public void Register(Type service, Type implementation) => Add(service, () => Create(implementation));

    public void RegisterInstance(Type service, object implementation) => Add(service, () => implementation);

    public void RegisterLazy(Type service, Func<object> factory) => Add(service, factory);

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

        if (_factories.TryGetValue(type, out List<Func<object?>>? factories))
        {
            return factories[^1]();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            // Every registration of the element type (Spectre asks for its help providers this way).
            Type element = type.GetGenericArguments()[0];
            List<Func<object?>> all = _factories.GetValueOrDefault(element) ?? [];
            var array = Array.CreateInstance(element, all.Count);
            for (int i = 0; i < all.Count; i++)
            {
                array.SetValue(all[i](), i);
            }

            return array;
        }

        return Create(type);
    }

    private void Add(Type service, Func<object?> factory)
    {
        if (!_factories.TryGetValue(service, out List<Func<object?>>? factories))
        {
            _factories[service] = factories = [];
        }

        factories.Add(factory);
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
