#include <iostream>

#include "storage/tag_dao.hpp"
#include "tools/orchestrator/cli_commands.hpp"

namespace orc::app {

namespace {

/// Splits -tag "name=value" into its parts; value is empty when there is no '='.
std::pair<std::string, std::string> tag_arg(CliContext& ctx) {
  auto text = ctx.args.get("tag");
  if (text.empty()) throw CliError("this command needs -tag name[=value]");
  auto eq = text.find('=');
  if (eq == std::string::npos) return {text, ""};
  if (eq == 0) throw CliError("invalid -tag '" + text + "': empty tag name");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace

void add_tag_commands(CliCommandTable& t) {
  t["tags"] = {[](CliContext& ctx) {
                 const auto& inst = ctx.known_instance();
                 for (const auto& [name, value] : storage::read_tags(ctx.db(), inst.key))
                   std::cout << name << "=" << value << "\n";
                 return 0;
               },
               "the tags of -i, name=value per line"};
  t["tag-value"] = {[](CliContext& ctx) {
                      const auto& inst = ctx.known_instance();
                      auto [name, value] = tag_arg(ctx);
                      auto found = storage::read_tag_value(ctx.db(), inst.key, name);
                      if (!found) throw CliError("tag " + name + " not found on " + inst.key.str());
                      std::cout << *found << "\n";
                      return 0;
                    },
                    "the value of tag -tag on -i"};
  t["tag"] = {[](CliContext& ctx) {
                const auto& inst = ctx.known_instance();
                auto [name, value] = tag_arg(ctx);
                storage::put_tag(ctx.db(), inst.key, name, value);
                std::cout << inst.key.str() << "\n";
                return 0;
              },
              "set -tag name[=value] on -i"};
  t["untag"] = {[](CliContext& ctx) {
                  auto key = ctx.key_arg();
                  auto [name, value] = tag_arg(ctx);
                  if (storage::remove_tag(ctx.db(), key, name)) std::cout << key.str() << "\n";
                  return 0;
                },
                "remove tag -tag from -i"};
  t["untag-all"] = {[](CliContext& ctx) {
                      auto [name, value] = tag_arg(ctx);
                      std::optional<std::string> only_value;
                      if (ctx.args.get("tag").find('=') != std::string::npos) only_value = value;
                      print_keys(storage::remove_tag_all(ctx.db(), name, only_value));
                      return 0;
                    },
                    "remove tag -tag name[=value] from every instance"};
  t["tagged"] = {[](CliContext& ctx) {
                   auto text = ctx.args.get("tag");
                   if (text.empty()) throw CliError("tagged needs -tag CONDITIONS");
                   std::string error;
                   auto conditions = storage::parse_tag_conditions(text, &error);
                   if (!conditions)
                     throw CliError("invalid -tag conditions '" + text + "': " + error);
                   print_keys(storage::tagged(ctx.db(), *conditions));
                   return 0;
                 },
                 "instances matching -tag conditions (name, name=value, ~name, comma = and)"};
}

}  // namespace orc::app
