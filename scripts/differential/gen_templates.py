#!/usr/bin/env python3
"""Differential corpus for core/scan/chat-template-check.ts, labelled by the real jinja2.

Writes test/fixtures/differential/templates.jsonl: published chat templates, random benign variations of
them, and adversarial templates built from a small grammar (every spelling of a dunder name, every way of
reaching an attribute, every statement that can carry an expression). Each template is rendered in a
subprocess, in a temporary working directory, twice:

* jinja2.sandbox.ImmutableSandboxedEnvironment: `sandbox` is "ok", "blocked" (SecurityError) or "error";
* jinja2.Environment (not sandboxed, as llama-cpp-python rendered before CVE-2024-34359 was fixed): the
  payloads try to create the file `mg-oracle-marker`; `ran` says whether it exists afterwards.

Usage: python scripts/differential/gen_templates.py [--seed N] [--count N] [--out PATH]
(needs jinja2; the JSONL is committed because CI has no Python).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

MARKER = "mg-oracle-marker"
SHELL = f"touch {MARKER}"

# ---------------------------------------------------------------------------------------------------------
# Published chat templates (tokenizer_config.json `chat_template`), written from the models' releases.
# ---------------------------------------------------------------------------------------------------------

REAL = {
    "llama-2-chat (meta-llama/Llama-2-7b-chat-hf)": (
        "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
        "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
        "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        "{% if loop.index0 == 0 and system_message != false %}"
        "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
        "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
        "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
        "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
    ),
    "llama-3-instruct (meta-llama/Meta-Llama-3-8B-Instruct)": (
        "{% set loop_messages = messages %}{% for message in loop_messages %}"
        "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
        "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
        "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
    ),
    "llama-3.1-instruct with tools (meta-llama/Llama-3.1-8B-Instruct)": (
        "{{- bos_token }}\n{%- if custom_tools is defined %}\n    {%- set tools = custom_tools %}\n{%- endif %}\n"
        "{%- if not tools_in_user_message is defined %}\n    {%- set tools_in_user_message = true %}\n{%- endif %}\n"
        "{%- if not date_string is defined %}\n    {%- set date_string = \"26 Jul 2024\" %}\n{%- endif %}\n"
        "{%- if not tools is defined %}\n    {%- set tools = none %}\n{%- endif %}\n\n"
        "{#- This block extracts the system message, so we can slot it into the right place. #}\n"
        "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content']|trim %}\n"
        "    {%- set messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = \"\" %}\n{%- endif %}\n\n"
        "{#- System message + builtin tools #}\n{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}\n"
        "{%- if builtin_tools is defined or tools is not none %}\n    {{- \"Environment: ipython\\n\" }}\n{%- endif %}\n"
        "{%- if builtin_tools is defined %}\n"
        "    {{- \"Tools: \" + builtin_tools | reject('equalto', 'code_interpreter') | join(\", \") + \"\\n\\n\"}}\n"
        "{%- endif %}\n{{- \"Cutting Knowledge Date: December 2023\\n\" }}\n"
        "{{- \"Today Date: \" + date_string + \"\\n\\n\" }}\n"
        "{%- if tools is not none and not tools_in_user_message %}\n"
        "    {{- \"You have access to the following functions. To call a function, please respond with JSON for a function call.\" }}\n"
        "    {{- 'Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.' }}\n"
        "    {{- \"Do not use variables.\\n\\n\" }}\n    {%- for t in tools %}\n"
        "        {{- t | tojson(indent=4) }}\n        {{- \"\\n\\n\" }}\n    {%- endfor %}\n{%- endif %}\n"
        "{{- system_message }}\n{{- \"<|eot_id|>\" }}\n\n"
        "{#- Custom tools are passed in a user message with some extra guidance #}\n"
        "{%- if tools_in_user_message and not tools is none %}\n"
        "    {#- Extract the first user message so we can plug it in here #}\n    {%- if messages | length != 0 %}\n"
        "        {%- set first_user_message = messages[0]['content']|trim %}\n        {%- set messages = messages[1:] %}\n"
        "    {%- else %}\n        {{- raise_exception(\"Cannot put tools in the first user message when there's no first user message!\") }}\n"
        "{%- endif %}\n    {{- '<|start_header_id|>user<|end_header_id|>\\n\\n' -}}\n"
        "    {{- \"Given the following functions, please respond with a JSON for a function call \" }}\n"
        "    {{- \"with its proper arguments that best answers the given prompt.\\n\\n\" }}\n"
        "    {{- 'Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.' }}\n"
        "    {{- \"Do not use variables.\\n\\n\" }}\n    {%- for t in tools %}\n        {{- t | tojson(indent=4) }}\n"
        "        {{- \"\\n\\n\" }}\n    {%- endfor %}\n    {{- first_user_message + \"<|eot_id|>\"}}\n{%- endif %}\n\n"
        "{%- for message in messages %}\n"
        "    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}\n"
        "        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}\n"
        "    {%- elif 'tool_calls' in message %}\n        {%- if not message.tool_calls|length == 1 %}\n"
        "            {{- raise_exception(\"This model only supports single tool-calls at once!\") }}\n        {%- endif %}\n"
        "        {%- set tool_call = message.tool_calls[0].function %}\n"
        "        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}\n"
        "            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}\n"
        "            {{- \"<|python_tag|>\" + tool_call.name + \".call(\" }}\n"
        "            {%- for arg_name, arg_val in tool_call.arguments | items %}\n"
        "                {{- arg_name + '=\"' + arg_val + '\"' }}\n                {%- if not loop.last %}\n"
        "                    {{- \", \" }}\n                {%- endif %}\n                {%- endfor %}\n"
        "            {{- \")\" }}\n        {%- else  %}\n"
        "            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}\n"
        "            {{- '{\"name\": \"' + tool_call.name + '\", ' }}\n            {{- '\"parameters\": ' }}\n"
        "            {{- tool_call.arguments | tojson }}\n            {{- \"}\" }}\n        {%- endif %}\n"
        "        {%- if builtin_tools is defined %}\n            {{- \"<|eom_id|>\" }}\n        {%- else %}\n"
        "            {{- \"<|eot_id|>\" }}\n        {%- endif %}\n"
        "    {%- elif message.role == \"tool\" or message.role == \"ipython\" %}\n"
        "        {{- \"<|start_header_id|>ipython<|end_header_id|>\\n\\n\" }}\n"
        "        {%- if message.content is mapping or message.content is iterable %}\n"
        "            {{- message.content | tojson }}\n        {%- else %}\n            {{- message.content }}\n"
        "        {%- endif %}\n        {{- \"<|eot_id|>\" }}\n    {%- endif %}\n{%- endfor %}\n"
        "{%- if add_generation_prompt %}\n    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n{%- endif %}\n"
    ),
    "mistral-instruct v0.1 (mistralai/Mistral-7B-Instruct-v0.1)": (
        "{{ bos_token }}{% for message in messages %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
        "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}"
        "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
    ),
    "mixtral-instruct (mistralai/Mixtral-8x7B-Instruct-v0.1)": (
        "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content'] %}\n"
        "    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n\n"
        "{{- bos_token }}\n{%- for message in loop_messages %}\n"
        "    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n"
        "        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}\n"
        "    {%- endif %}\n    {%- if message['role'] == 'user' %}\n"
        "        {%- if loop.first and system_message is defined %}\n"
        "            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}\n"
        "        {%- else %}\n            {{- ' [INST] ' + message['content'] + ' [/INST]' }}\n        {%- endif %}\n"
        "    {%- elif message['role'] == 'assistant' %}\n        {{- ' ' + message['content'] + eos_token}}\n"
        "    {%- else %}\n        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}\n"
        "    {%- endif %}\n{%- endfor %}\n"
    ),
    "mistral-instruct v0.3 with tool calls (mistralai/Mistral-7B-Instruct-v0.3)": (
        "{%- if messages[0][\"role\"] == \"system\" %}\n    {%- set system_message = messages[0][\"content\"] %}\n"
        "    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n"
        "{%- if not tools is defined %}\n    {%- set tools = none %}\n{%- endif %}\n"
        "{%- set user_messages = loop_messages | selectattr(\"role\", \"equalto\", \"user\") | list %}\n\n"
        "{#- This block checks for alternating user/assistant messages, skipping tool calling messages #}\n"
        "{%- set ns = namespace() %}\n{%- set ns.index = 0 %}\n{%- for message in loop_messages %}\n"
        "    {%- if not (message.role == \"tool\" or message.role == \"tool_results\" or (message.tool_calls is defined and message.tool_calls is not none)) %}\n"
        "        {%- if (message[\"role\"] == \"user\") != (ns.index % 2 == 0) %}\n"
        "            {{- raise_exception(\"After the optional system message, conversation roles must alternate user/assistant/user/assistant/...\") }}\n"
        "        {%- endif %}\n        {%- set ns.index = ns.index + 1 %}\n    {%- endif %}\n{%- endfor %}\n\n"
        "{{- bos_token }}\n{%- for message in loop_messages %}\n    {%- if message[\"role\"] == \"user\" %}\n"
        "        {%- if tools is not none and (message == user_messages[-1]) %}\n            {{- \"[AVAILABLE_TOOLS] [\" }}\n"
        "            {%- for tool in tools %}\n                {%- set tool = tool.function %}\n"
        "                {{- '{\"type\": \"function\", \"function\": {' }}\n"
        "                {%- for key, val in tool.items() if key != \"return\" %}\n"
        "                    {%- if val is string %}\n                        {{- '\"' + key + '\": \"' + val + '\"' }}\n"
        "                    {%- else %}\n                        {{- '\"' + key + '\": ' + val|tojson }}\n"
        "                    {%- endif %}\n                    {%- if not loop.last %}\n                        {{- \", \" }}\n"
        "                    {%- endif %}\n                {%- endfor %}\n                {{- \"}}\" }}\n"
        "                {%- if not loop.last %}\n                    {{- \", \" }}\n                {%- else %}\n"
        "                    {{- \"]\" }}\n                {%- endif %}\n            {%- endfor %}\n"
        "            {{- \"[/AVAILABLE_TOOLS]\" }}\n            {%- endif %}\n"
        "        {%- if loop.last and system_message is defined %}\n"
        "            {{- \"[INST] \" + system_message + \"\\n\\n\" + message[\"content\"] + \"[/INST]\" }}\n"
        "        {%- else %}\n            {{- \"[INST] \" + message[\"content\"] + \"[/INST]\" }}\n        {%- endif %}\n"
        "    {%- elif message.tool_calls is defined and message.tool_calls is not none %}\n"
        "        {{- \"[TOOL_CALLS] [\" }}\n        {%- for tool_call in message.tool_calls %}\n"
        "            {%- set out = tool_call.function|tojson %}\n            {{- out[:-1] }}\n"
        "            {%- if not tool_call.id is defined or tool_call.id|length != 9 %}\n"
        "                {{- raise_exception(\"Tool call IDs should be alphanumeric strings with length 9!\") }}\n"
        "            {%- endif %}\n            {{- ', \"id\": \"' + tool_call.id + '\"}' }}\n"
        "            {%- if not loop.last %}\n                {{- \", \" }}\n            {%- else %}\n"
        "                {{- \"]\" + eos_token }}\n            {%- endif %}\n        {%- endfor %}\n"
        "    {%- elif message[\"role\"] == \"assistant\" %}\n        {{- \" \" + message[\"content\"]|trim + eos_token}}\n"
        "    {%- elif message[\"role\"] == \"tool_results\" or message[\"role\"] == \"tool\" %}\n"
        "        {%- if message.content is defined and message.content.content is defined %}\n"
        "            {%- set content = message.content.content %}\n        {%- else %}\n"
        "            {%- set content = message.content %}\n        {%- endif %}\n"
        "        {{- '[TOOL_RESULTS] {\"content\": ' + content|string + \", \" }}\n"
        "        {%- if not message.tool_call_id is defined or message.tool_call_id|length != 9 %}\n"
        "            {{- raise_exception(\"Tool call IDs should be alphanumeric strings with length 9!\") }}\n"
        "        {%- endif %}\n        {{- '\"call_id\": \"' + message.tool_call_id + '\"}[/TOOL_RESULTS]' }}\n"
        "    {%- else %}\n        {{- raise_exception(\"Only user and assistant roles are supported, with the exception of an initial optional system message!\") }}\n"
        "    {%- endif %}\n{%- endfor %}\n"
    ),
    "qwen2/2.5-instruct with tools (Qwen/Qwen2.5-7B-Instruct)": (
        "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n    {%- if messages[0]['role'] == 'system' %}\n"
        "        {{- messages[0]['content'] }}\n    {%- else %}\n"
        "        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}\n    {%- endif %}\n"
        "    {{- \"\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n"
        "You are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}\n"
        "    {%- for tool in tools %}\n        {{- \"\\n\" }}\n        {{- tool | tojson }}\n    {%- endfor %}\n"
        "    {{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within "
        "<tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>, \\\"arguments\\\": "
        "<args-json-object>}\\n</tool_call><|im_end|>\\n\" }}\n{%- else %}\n"
        "    {%- if messages[0]['role'] == 'system' %}\n"
        "        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n    {%- else %}\n"
        "        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}\n"
        "    {%- endif %}\n{%- endif %}\n{%- for message in messages %}\n"
        "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) or "
        "(message.role == \"assistant\" and not message.tool_calls) %}\n"
        "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
        "    {%- elif message.role == \"assistant\" %}\n        {{- '<|im_start|>' + message.role }}\n"
        "        {%- if message.content %}\n            {{- '\\n' + message.content }}\n        {%- endif %}\n"
        "        {%- for tool_call in message.tool_calls %}\n            {%- if tool_call.function is defined %}\n"
        "                {%- set tool_call = tool_call.function %}\n            {%- endif %}\n"
        "            {{- '\\n<tool_call>\\n{\"name\": \"' }}\n            {{- tool_call.name }}\n"
        "            {{- '\", \"arguments\": ' }}\n            {{- tool_call.arguments | tojson }}\n"
        "            {{- '}\\n</tool_call>' }}\n        {%- endfor %}\n        {{- '<|im_end|>\\n' }}\n"
        "    {%- elif message.role == \"tool\" %}\n"
        "        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != \"tool\") %}\n"
        "            {{- '<|im_start|>user' }}\n        {%- endif %}\n        {{- '\\n<tool_response>\\n' }}\n"
        "        {{- message.content }}\n        {{- '\\n</tool_response>' }}\n"
        "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}\n"
        "            {{- '<|im_end|>\\n' }}\n        {%- endif %}\n    {%- endif %}\n{%- endfor %}\n"
        "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n{%- endif %}\n"
    ),
    "qwen3 with tools and <think> (Qwen/Qwen3-8B)": (
        "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n    {%- if messages[0].role == 'system' %}\n"
        "        {{- messages[0].content + '\\n\\n' }}\n    {%- endif %}\n"
        "    {{- \"# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n"
        "You are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}\n"
        "    {%- for tool in tools %}\n        {{- \"\\n\" }}\n        {{- tool | tojson }}\n    {%- endfor %}\n"
        "    {{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within "
        "<tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>, \\\"arguments\\\": "
        "<args-json-object>}\\n</tool_call><|im_end|>\\n\" }}\n{%- else %}\n"
        "    {%- if messages[0].role == 'system' %}\n"
        "        {{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}\n    {%- endif %}\n{%- endif %}\n"
        "{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}\n"
        "{%- for message in messages[::-1] %}\n    {%- set index = (messages|length - 1) - loop.index0 %}\n"
        "    {%- if ns.multi_step_tool and message.role == \"user\" and message.content is string and "
        "not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}\n"
        "        {%- set ns.multi_step_tool = false %}\n        {%- set ns.last_query_index = index %}\n"
        "    {%- endif %}\n{%- endfor %}\n{%- for message in messages %}\n    {%- if message.content is string %}\n"
        "        {%- set content = message.content %}\n    {%- else %}\n        {%- set content = '' %}\n    {%- endif %}\n"
        "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) %}\n"
        "        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}\n"
        "    {%- elif message.role == \"assistant\" %}\n        {%- set reasoning_content = '' %}\n"
        "        {%- if message.reasoning_content is string %}\n"
        "            {%- set reasoning_content = message.reasoning_content %}\n        {%- else %}\n"
        "            {%- if '</think>' in content %}\n"
        "                {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}\n"
        "                {%- set content = content.split('</think>')[-1].lstrip('\\n') %}\n            {%- endif %}\n"
        "        {%- endif %}\n        {%- if loop.index0 > ns.last_query_index %}\n"
        "            {%- if loop.last or (not loop.last and reasoning_content) %}\n"
        "                {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}\n"
        "            {%- else %}\n                {{- '<|im_start|>' + message.role + '\\n' + content }}\n            {%- endif %}\n"
        "        {%- else %}\n            {{- '<|im_start|>' + message.role + '\\n' + content }}\n        {%- endif %}\n"
        "        {%- if message.tool_calls %}\n            {%- for tool_call in message.tool_calls %}\n"
        "                {%- if (loop.first and content) or (not loop.first) %}\n                    {{- '\\n' }}\n"
        "                {%- endif %}\n                {%- if tool_call.function %}\n"
        "                    {%- set tool_call = tool_call.function %}\n                {%- endif %}\n"
        "                {{- '<tool_call>\\n{\"name\": \"' }}\n                {{- tool_call.name }}\n"
        "                {{- '\", \"arguments\": ' }}\n                {%- if tool_call.arguments is string %}\n"
        "                    {{- tool_call.arguments }}\n                {%- else %}\n"
        "                    {{- tool_call.arguments | tojson }}\n                {%- endif %}\n"
        "                {{- '}\\n</tool_call>' }}\n            {%- endfor %}\n        {%- endif %}\n"
        "        {{- '<|im_end|>\\n' }}\n    {%- elif message.role == \"tool\" %}\n"
        "        {%- if loop.first or (messages[loop.index0 - 1].role != \"tool\") %}\n"
        "            {{- '<|im_start|>user' }}\n        {%- endif %}\n        {{- '\\n<tool_response>\\n' }}\n"
        "        {{- content }}\n        {{- '\\n</tool_response>' }}\n"
        "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}\n"
        "            {{- '<|im_end|>\\n' }}\n        {%- endif %}\n    {%- endif %}\n{%- endfor %}\n"
        "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n"
        "    {%- if enable_thinking is defined and enable_thinking is false %}\n"
        "        {{- '<think>\\n\\n</think>\\n\\n' }}\n    {%- endif %}\n{%- endif %}"
    ),
    "gemma-2-it (google/gemma-2-9b-it)": (
        "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
        "{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}"
        "{% set role = message['role'] %}{% endif %}"
        "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"
    ),
    "gemma-3-it (google/gemma-3-4b-it)": (
        "{{ bos_token }}\n{%- if messages[0]['role'] == 'system' -%}\n"
        "    {%- if messages[0]['content'] is string -%}\n"
        "        {%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}\n    {%- else -%}\n"
        "        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '\\n\\n' -%}\n    {%- endif -%}\n"
        "    {%- set loop_messages = messages[1:] -%}\n{%- else -%}\n    {%- set first_user_prefix = \"\" -%}\n"
        "    {%- set loop_messages = messages -%}\n{%- endif -%}\n{%- for message in loop_messages -%}\n"
        "    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}\n"
        "        {{ raise_exception(\"Conversation roles must alternate user/assistant/user/assistant/...\") }}\n"
        "    {%- endif -%}\n    {%- if (message['role'] == 'assistant') -%}\n        {%- set role = \"model\" -%}\n"
        "    {%- else -%}\n        {%- set role = message['role'] -%}\n    {%- endif -%}\n"
        "    {{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else \"\") }}\n"
        "    {%- if message['content'] is string -%}\n        {{ message['content'] | trim }}\n"
        "    {%- elif message['content'] is iterable -%}\n        {%- for item in message['content'] -%}\n"
        "            {%- if item['type'] == 'image' -%}\n                {{ '<start_of_image>' }}\n"
        "            {%- elif item['type'] == 'text' -%}\n                {{ item['text'] | trim }}\n"
        "            {%- endif -%}\n        {%- endfor -%}\n    {%- else -%}\n"
        "        {{ raise_exception(\"Invalid content type\") }}\n    {%- endif -%}\n    {{ '<end_of_turn>\\n' }}\n"
        "{%- endfor -%}\n{%- if add_generation_prompt -%}\n    {{'<start_of_turn>model\\n'}}\n{%- endif -%}\n"
    ),
    "phi-3-mini-instruct (microsoft/Phi-3-mini-4k-instruct)": (
        "{% for message in messages %}{% if message['role'] == 'system' %}"
        "{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}"
        "{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}"
        "{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}"
    ),
    "chatml (teknium/OpenHermes-2.5-Mistral-7B)": (
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    ),
    "deepseek-v2-chat (deepseek-ai/DeepSeek-V2-Lite-Chat)": (
        "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
        "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
        "{{ 'User: ' + message['content'] + '\\n\\n' }}{% elif message['role'] == 'assistant' %}"
        "{{ 'Assistant: ' + message['content'] + eos_token }}{% elif message['role'] == 'system' %}"
        "{{ message['content'] + '\\n\\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}"
        "{{ 'Assistant:' }}{% endif %}"
    ),
    "deepseek-r1 (deepseek-ai/DeepSeek-R1)": (
        "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
        "{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='', is_first_sp=true) %}"
        "{%- for message in messages %}{%- if message['role'] == 'system' %}{%- if ns.is_first_sp %}"
        "{% set ns.system_prompt = ns.system_prompt + message['content'] %}{% set ns.is_first_sp = false %}"
        "{%- else %}{% set ns.system_prompt = ns.system_prompt + '\\n\\n' + message['content'] %}{%- endif %}"
        "{%- endif %}{%- endfor %}{{ bos_token }}{{ ns.system_prompt }}{%- for message in messages %}"
        "{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}"
        "{{'<｜User｜>' + message['content']}}{%- endif %}"
        "{%- if message['role'] == 'assistant' and 'tool_calls' in message %}{%- set ns.is_tool = false -%}"
        "{%- for tool in message['tool_calls'] %}{%- if not ns.is_first %}{%- if message['content'] is none %}"
        "{{'<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<｜tool▁call▁end｜>'}}"
        "{%- else %}{{'<｜Assistant｜>' + message['content'] + '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<｜tool▁call▁end｜>'}}"
        "{%- endif %}{%- set ns.is_first = true -%}{%- else %}"
        "{{'\\n' + '<｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<｜tool▁call▁end｜>'}}"
        "{%- endif %}{%- endfor %}{{'<｜tool▁calls▁end｜><｜end▁of▁sentence｜>'}}{%- endif %}"
        "{%- if message['role'] == 'assistant' and 'tool_calls' not in message %}{%- if ns.is_tool %}"
        "{{'<｜tool▁outputs▁end｜>' + message['content'] + '<｜end▁of▁sentence｜>'}}{%- set ns.is_tool = false -%}"
        "{%- else %}{% set content = message['content'] %}{% if '</think>' in content %}"
        "{% set content = content.split('</think>')[-1] %}{% endif %}"
        "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endif %}"
        "{%- if message['role'] == 'tool' %}{%- set ns.is_tool = true -%}{%- if ns.is_output_first %}"
        "{{'<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}"
        "{%- set ns.is_output_first = false %}{%- else %}"
        "{{'<｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}{%- endif %}{%- endif %}"
        "{%- endfor -%}{% if ns.is_tool %}{{'<｜tool▁outputs▁end｜>'}}{% endif %}"
        "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜><think>\\n'}}{% endif %}"
    ),
    "command-r with tools (CohereForAI/c4ai-command-r-v01, tool_use)": (
        "{% macro json_to_python_type(json_spec) %}{% set basic_type_map = {\"string\": \"str\", \"number\": \"float\", "
        "\"integer\": \"int\", \"boolean\": \"bool\"} %}{% if basic_type_map[json_spec.type] is defined %}"
        "{{- basic_type_map[json_spec.type] }}{% elif json_spec.type == \"array\" %}"
        "{{- \"List[\" +  json_to_python_type(json_spec['items']) + \"]\"}}{% elif json_spec.type == \"object\" %}"
        "{{- \"Dict[str, \" + json_to_python_type(json_spec.additionalProperties) + ']'}}"
        "{% elif json_spec.type is iterable %}{{- \"Union[\" }}{% for t in json_spec.type %}"
        "{{- json_to_python_type({\"type\": t}) }}{% if not loop.last %}{{- \",\" }}{% endif %}{% endfor %}"
        "{{- \"]\" }}{% else %}{{- \"Any\" }}{% endif %}{% endmacro %}\n"
        "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
        "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
        "{% set system_message = '## Task and Context\\nYou help people answer their questions.' %}{% endif %}"
        "{{ '<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>' }}{{ '# Safety Preamble' }}"
        "{{ '\\nThe instructions in this section override those in the task description and style guide sections.' }}"
        "{{ '\\n\\n# System Preamble' }}{{ '\\n## Basic Rules' }}"
        "{{ '\\nYou are a powerful conversational AI trained by Cohere to help people.' }}"
        "{{ '\\n\\n# User Preamble' }}{{ '\\n' + system_message }}"
        "{{'\\n\\n## Available Tools\\nHere is a list of tools that you have available to you:\\n\\n'}}"
        "{% for tool in tools %}{% if loop.index0 != 0 %}{{ '\\n\\n'}}{% endif %}"
        "{{'```python\\ndef ' + tool.name + '('}}{% for param_name, param_fields in tool.parameter_definitions.items() %}"
        "{% if loop.index0 != 0 %}{{ ', '}}{% endif %}{{param_name}}: "
        "{% if not param_fields.required %}{{'Optional[' + param_fields.type + '] = None'}}{% else %}"
        "{{ param_fields.type }}{% endif %}{% endfor %}{{ ') -> List[Dict]:\\n    \"\"\"'}}"
        "{{ tool.description }}{% if tool.parameter_definitions|length != 0 %}{{ '\\n\\n    Args:\\n        '}}"
        "{% for param_name, param_fields in tool.parameter_definitions.items() %}{% if loop.index0 != 0 %}"
        "{{ '\\n        ' }}{% endif %}{{ param_name + ' ('}}{% if not param_fields.required %}"
        "{{'Optional[' + param_fields.type + ']'}}{% else %}{{ param_fields.type }}{% endif %}{{ '): ' + param_fields.description }}"
        "{% endfor %}{% endif %}{{ '\\n    \"\"\"\\n    pass\\n```' }}{% endfor %}"
        "{{ '<|END_OF_TURN_TOKEN|>'}}{% for message in loop_messages %}{% set content = message['content'] %}"
        "{% if message['role'] == 'user' %}{{ '<|START_OF_TURN_TOKEN|><|USER_TOKEN|>' + content.strip() + '<|END_OF_TURN_TOKEN|>' }}"
        "{% elif message['role'] == 'system' %}{{ '<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>' + content.strip() + '<|END_OF_TURN_TOKEN|>' }}"
        "{% elif message['role'] == 'assistant' %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>'  + content.strip() + '<|END_OF_TURN_TOKEN|>' }}"
        "{% endif %}{% endfor %}{{'<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>Write \\'Action:\\' followed by a json-formatted list of actions.<|END_OF_TURN_TOKEN|>'}}"
        "{% if add_generation_prompt %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>' }}{% endif %}"
    ),
    "zephyr (HuggingFaceH4/zephyr-7b-beta)": (
        "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\\n' + message['content'] + eos_token }}\n"
        "{% elif message['role'] == 'system' %}\n{{ '<|system|>\\n' + message['content'] + eos_token }}\n"
        "{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n{% endif %}\n"
        "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"
    ),
    "vicuna v1.5 (lmsys/vicuna-7b-v1.5, community template)": (
        "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
        "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
        "{% set system_message = 'A chat between a curious user and an artificial intelligence assistant. "
        "The assistant gives helpful, detailed, and polite answers to the user\\'s questions.' %}{% endif %}"
        "{{ system_message }}{% for message in loop_messages %}{% if message['role'] == 'user' %}"
        "{{ ' USER: ' + message['content'].strip() }}{% elif message['role'] == 'assistant' %}"
        "{{ ' ASSISTANT: ' + message['content'].strip() + eos_token }}{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}{{ ' ASSISTANT:' }}{% endif %}"
    ),
}

# ---------------------------------------------------------------------------------------------------------
# Spellings of a name: each returns a Jinja expression that evaluates to the given string.
# ---------------------------------------------------------------------------------------------------------


UNDERSCORE_ESCAPES = {"x": "\\x5f", "u": "\\u005f", "o": "\\137", "n": "\\N{LOW LINE}"}


def escaped(s: str, kind: str, letters: bool) -> str:
    """`s` as the body of a literal with every underscore (and optionally every letter) escaped."""
    return "".join(
        UNDERSCORE_ESCAPES[kind] if ch == "_" else f"\\x{ord(ch):02x}" if letters and ch.isalpha() else ch
        for ch in s
    )


def split_points(r: random.Random, s: str) -> list[str]:
    if len(s) < 2:
        return [s]
    cuts = sorted(r.sample(range(1, len(s)), k=min(len(s) - 1, r.randint(1, 3))))
    parts, last = [], 0
    for c in cuts:
        parts.append(s[last:c])
        last = c
    parts.append(s[last:])
    return parts


def q(s: str, r: random.Random) -> str:
    quote = r.choice(["'", '"'])
    return quote + s.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def spell(r: random.Random, s: str) -> tuple[str, str]:
    """A Jinja expression that evaluates to `s`, and the name of the spelling used."""
    kind = r.choice(
        ["literal", "tilde", "plus", "mul", "escape", "octal", "unicode", "named", "printf_filter", "printf_op",
         "join", "reverse", "replace", "lower", "strjoin", "strformat", "first", "index", "slice", "default"]
    )
    if kind == "literal":
        return q(s, r), kind
    if kind in ("tilde", "plus"):
        op = " ~ " if kind == "tilde" else " + "
        return op.join(q(p, r) for p in split_points(r, s)), kind
    if kind == "mul":
        core = s.strip("_")
        lead, trail = len(s) - len(s.lstrip("_")), len(s) - len(s.rstrip("_"))
        parts = []
        if lead:
            parts.append(f"'_' * {lead}")
        if core:
            parts.append(q(core, r))
        if trail:
            parts.append(f"'_' * {trail}")
        return "(" + " ~ ".join(parts or ["''"]) + ")", kind
    if kind in ("escape", "octal", "unicode", "named"):
        esc = {"escape": "x", "octal": "o", "unicode": "u", "named": "n"}[kind]
        return "'" + escaped(s, esc, kind == "escape" and r.random() < 0.5) + "'", kind
    if kind == "printf_filter":
        return q("%c" * len(s), r) + "|format(" + ", ".join(str(ord(c)) for c in s) + ")", kind
    if kind == "printf_op":
        return "(" + q("%c" * len(s), r) + " % (" + ", ".join(str(ord(c)) for c in s) + ",))", kind
    if kind == "join":
        return "[" + ", ".join(q(p, r) for p in split_points(r, s)) + "]|join", kind
    if kind == "reverse":
        return q(s[::-1], r) + "|reverse", kind
    if kind == "replace":
        return q(s.replace("_", "X"), r) + "|replace('X', '_')", kind
    if kind == "lower":
        return q(s.upper(), r) + "|lower", kind
    if kind == "strjoin":
        return "''.join([" + ", ".join(q(p, r) for p in split_points(r, s)) + "])", kind
    if kind == "strformat":
        return q(s.replace("_", "{}"), r) + ".format(" + ", ".join(["'_'"] * s.count("_")) + ")", kind
    if kind == "first":
        return "[" + q(s, r) + ", 'x']|first", kind
    if kind == "index":
        return "['y', " + q(s, r) + "][1]", kind
    if kind == "slice":
        return q(s + "zz", r) + f"[:{len(s)}]", kind
    return "undefined_name_" + str(r.randint(0, 99)) + "|default(" + q(s, r) + ")", kind


IDENT_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def access(r: random.Random, obj: str, name: str, steps: list[str]) -> str:
    """`obj.name` through a random access form; records the form in `steps`."""
    forms = ["item", "attr", "dot"] if set(name) <= IDENT_OK and not name[0].isdigit() else ["item", "attr"]
    form = r.choice(forms)
    if form == "dot":
        steps.append("dot")
        return f"{obj}.{name}"
    expr, how = spell(r, name)
    steps.append(f"{form}:{how}")
    # jinja2 ends a filter expression at the filter: what follows `|attr(...)` needs parentheses.
    return f"{obj}[{expr}]" if form == "item" else f"({obj}|attr({expr}))"


# Chains from a root to os.popen / builtins, as (root expression, attribute names, tail).
CMD = f"'{SHELL}'"
CHAINS = [
    ("cycler", ["__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("joiner", ["__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("namespace", ["__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("lipsum", ["__globals__", "os", "popen"], f"({CMD}).read()"),
    ("lipsum", ["__globals__", "__builtins__", "__import__"], f"('os').popen({CMD}).read()"),
    ("cycler", ["__init__", "__globals__", "__builtins__", "open"], f"('{MARKER}', 'w').write('x')"),
    ("self", ["_TemplateReference__context", "cycler", "__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("self", ["_TemplateReference__context", "joiner", "__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("()", ["__class__", "__base__", "__subclasses__"], "()"),
    ("''", ["__class__", "__mro__"], "[1].__subclasses__()"),
    ("request", ["application", "__globals__", "__builtins__", "__import__"], f"('os').popen({CMD}).read()"),
    ("config", ["__class__", "__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("url_for", ["__globals__", "os", "popen"], f"({CMD}).read()"),
    ("range", ["__init__", "__class__"], ""),
    ("dict", ["__class__", "__subclasses__"], "()"),
    ("messages", ["__class__", "__mro__"], ""),
    ("namespace(a=1)", ["__class__", "__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("cycler(1, 2)", ["__class__", "__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("joiner()", ["__class__", "__init__", "__globals__", "os", "popen"], f"({CMD}).read()"),
    ("lipsum", ["__globals__", "os", "system"], f"({CMD})"),
]


def payload(r: random.Random) -> tuple[str, str]:
    root, names, tail = r.choice(CHAINS)
    steps: list[str] = []
    expr = root
    for n in names:
        expr = access(r, expr, n, steps)
    return expr + tail, f"{root}: {' > '.join(names)} [{', '.join(steps)}]"


def name_via_variable(r: random.Random, name: str) -> tuple[str, str, str]:
    """Prelude statements binding a variable to `name`, the variable expression, and how."""
    expr, how = spell(r, name)
    kind = r.choice(["set", "with", "setblock", "loop", "macro", "ns"])
    if kind == "set":
        return f"{{% set nm = {expr} %}}", "nm", f"set:{how}"
    if kind == "with":
        return f"{{% with nm = {expr} %}}", "nm", f"with:{how}"
    if kind == "setblock":
        return f"{{% set nm %}}{name}{{% endset %}}", "nm", "setblock"
    if kind == "loop":
        return f"{{% for nm in [{expr}] %}}", "nm", f"loop:{how}"
    if kind == "macro":
        return f"{{% macro mk() %}}{name}{{% endmacro %}}", "mk()", "macro"
    codes = ", ".join(str(ord(c)) for c in name)
    pre = (f"{{% set ns = namespace(s='') %}}{{% for c in [{codes}] %}}"
           f"{{% set ns.s = ns.s ~ '%c'|format(c) %}}{{% endfor %}}")
    return pre, "ns.s", "namespace-accumulator"


def close_of(prelude: str) -> str:
    if prelude.startswith("{% with"):
        return "{% endwith %}"
    if prelude.startswith("{% for"):
        return "{% endfor %}"
    return ""


def indirect_payload(r: random.Random) -> tuple[str, str]:
    """The first dunder step of a chain is read through a variable bound elsewhere."""
    root, names, tail = r.choice(CHAINS[:8])
    pre, var, how = name_via_variable(r, names[0])
    steps: list[str] = [f"var:{how}"]
    expr = f"({root}|attr({var}))" if r.random() < 0.5 else f"{root}[{var}]"
    for n in names[1:]:
        expr = access(r, expr, n, steps)
    return pre + "{{ " + expr + tail + " }}" + close_of(pre), f"{root}: {' > '.join(names)} [{', '.join(steps)}]"


WRAPPERS = [
    ("output", lambda p: "{{ " + p + " }}"),
    ("output-trim", lambda p: "{{- " + p + " -}}"),
    ("set", lambda p: "{% set r = " + p + " %}{{ r }}"),
    ("if", lambda p: "{% if " + p + " %}x{% endif %}"),
    ("for-messages", lambda p: "{% for m in messages %}{% if loop.first %}{{ " + p + " }}{% endif %}{% endfor %}"),
    ("macro", lambda p: "{% macro run() %}{{ " + p + " }}{% endmacro %}{{ run() }}"),
    ("with", lambda p: "{% with r = " + p + " %}{{ r }}{% endwith %}"),
    ("filter-block", lambda p: "{% filter upper %}{{ " + p + " }}{% endfilter %}"),
    ("braces-in-strings", lambda p: "{{ '}}' ~ (" + p + ") ~ '{%' }}"),
    ("comment-decoy", lambda p: "{# {{ harmless }} #}{{ " + p + " }}{# %} #}"),
    ("raw-decoy", lambda p: "{% raw %}{{ not_code }}{% endraw %}{{ " + p + " }}"),
    ("statement-trim", lambda p: "{%- set r = " + p + " -%}{{ r }}"),
    ("call-block", lambda p: "{% macro w() %}{{ caller() }}{% endmacro %}{% call w() %}{{ " + p + " }}{% endcall %}"),
    ("ternary", lambda p: "{{ (" + p + ") if true else '' }}"),
    ("in-chat", lambda p: "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] }}"
     "{% endfor %}{% set _x = " + p + " %}"),
]

# ---------------------------------------------------------------------------------------------------------
# Benign variations.
# ---------------------------------------------------------------------------------------------------------

BENIGN_PIECES = [
    "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] }}{% endfor %}",
    "{% for message in messages %}{% if message.role == 'system' %}{{ message.content }}{% endif %}{% endfor %}",
    "{% if tools %}{% for tool in tools %}{{ tool | tojson }}{% endfor %}{% endif %}",
    "{% for tool in tools %}{{ tool['function']['name'] }}{% endfor %}",
    "{{ messages[0]['content'] if messages[0]['role'] == 'system' else '' }}",
    "{% set ns = namespace(found=false) %}{% for m in messages %}{% if m.role == 'user' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}",
    "{% for i in range(messages|length) %}{{ messages[i]['role'] }}{% endfor %}",
    "{% for m in messages[::-1] %}{{ m.content|trim }}{% endfor %}",
    "{{ messages|map(attribute='content')|join('\\n') }}",
    "{{ messages|selectattr('role', 'equalto', 'user')|list|length }}",
    "{% set roles = {'user': 'USER', 'assistant': 'BOT', 'system': 'SYS'} %}{% for m in messages %}{{ roles[m['role']] }}{% endfor %}",
    "{{ '}}' }}{{ '{%' }}{{ \"{{\" }}",
    "{# a comment with __class__ in it #}{{ bos_token }}",
    "{% raw %}{{ x.__class__ }}{% endraw %}",
    "{%- for m in messages -%}{{- m.content -}}{%- endfor -%}",
    "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}",
    "{% for m in messages %}{% if loop.index0 > 0 %}{{ messages[loop.index0 - 1]['role'] }}{% endif %}{% endfor %}",
    "{{ (messages|last)['content'] }}",
    "{% macro render(m) %}{{ m.role }}: {{ m.content }}{% endmacro %}{% for m in messages %}{{ render(m) }}{% endfor %}",
    "{% for m in messages %}{{ m.content.split('</think>')[-1].lstrip('\\n') }}{% endfor %}",
    "{% for m in messages %}{% for k, v in m.items() %}{{ k }}={{ v }}{% endfor %}{% endfor %}",
    "{{ '%s: %d'|format('count', messages|length) }}",
    "{% set sep = joiner(', ') %}{% for m in messages %}{{ sep() }}{{ m.role }}{% endfor %}",
    "{{ 'role' ~ '_' ~ 'name' }}",
    "{{ messages[0].content|default('none')|upper }}",
]


def benign_variant(r: random.Random) -> str:
    parts = r.sample(BENIGN_PIECES, k=r.randint(1, 4))
    glue = r.choice(["", "\n", " "])
    return glue.join(parts)


# ---------------------------------------------------------------------------------------------------------
# The oracle.
# ---------------------------------------------------------------------------------------------------------

RUNNER = r"""
import json, os, sys
import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.exceptions import SecurityError

MARKER = 'mg-oracle-marker'

def raise_exception(msg):
    raise jinja2.exceptions.TemplateError(msg)

def strftime_now(fmt):
    return '07 Dec 2026'

ctx = dict(
    messages=[
        {'role': 'system', 'content': 'You are helpful.'},
        {'role': 'user', 'content': 'Hi'},
        {'role': 'assistant', 'content': 'Hello'},
        {'role': 'user', 'content': 'What is 2+2?'},
    ],
    tools=[{'type': 'function', 'function': {'name': 'add', 'description': 'Adds', 'parameters': {
        'type': 'object', 'properties': {'a': {'type': 'integer'}}, 'required': ['a']}},
        'name': 'add', 'description': 'Adds',
        'parameter_definitions': {'a': {'type': 'int', 'description': 'first', 'required': True}}}],
    add_generation_prompt=True, bos_token='<s>', eos_token='</s>',
    raise_exception=raise_exception, strftime_now=strftime_now,
)
source = sys.stdin.read()
out = {}

def render(env):
    return env.from_string(source).render(**ctx)

try:
    render(ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True))
    out['sandbox'] = 'ok'
except SecurityError as e:
    out['sandbox'] = 'blocked'
except Exception as e:
    out['sandbox'] = 'error:' + type(e).__name__
out['ran_in_sandbox'] = os.path.exists(MARKER)
try:
    render(jinja2.Environment(trim_blocks=True, lstrip_blocks=True))
    out['unsafe'] = 'ok'
except Exception as e:
    out['unsafe'] = 'error:' + type(e).__name__
out['ran'] = os.path.exists(MARKER)
print(json.dumps(out))
"""


def oracle(template: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="mg-oracle-") as cwd:
        try:
            p = subprocess.run([sys.executable, "-c", RUNNER], input=template, capture_output=True, text=True,
                               cwd=cwd, timeout=20)
            return json.loads(p.stdout.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, IndexError, json.JSONDecodeError) as e:
            return {"sandbox": "timeout", "unsafe": "timeout", "ran": os.path.exists(os.path.join(cwd, MARKER)),
                    "error": type(e).__name__}


def cases(seed: int, count: int) -> list[dict]:
    r = random.Random(seed)
    out: list[dict] = []
    for model, t in REAL.items():
        out.append({"kind": "real", "intent": "benign", "reaches_underscore": False, "template": t, "note": model})
    while len(out) < count:
        roll = r.random()
        if roll < 0.25:
            out.append({"kind": "variant", "intent": "benign", "reaches_underscore": False,
                        "template": benign_variant(r), "note": "benign variation"})
        elif roll < 0.45:
            t, note = indirect_payload(r)
            prefix = benign_variant(r) if r.random() < 0.5 else ""
            out.append({"kind": "payload", "intent": "malicious", "reaches_underscore": True,
                        "template": prefix + t, "note": f"indirect {note}"})
        else:
            p, note = payload(r)
            name, wrap = r.choice(WRAPPERS)
            out.append({"kind": "payload", "intent": "malicious", "reaches_underscore": True,
                        "template": wrap(p), "note": f"{name}: {note}"})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--count", type=int, default=640)
    ap.add_argument("--out", default="test/fixtures/differential/templates.jsonl")
    args = ap.parse_args()
    items = cases(args.seed, args.count)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as pool:
        labels = list(pool.map(lambda c: oracle(c["template"]), items))
    with open(args.out, "w", encoding="utf-8") as f:
        for c, lab in zip(items, labels):
            row = {
                "template": c["template"],
                "kind": c["kind"],
                "intent": c["intent"],
                "reaches_underscore": c["reaches_underscore"],
                "ran": lab.get("ran", False),
                "sandbox_blocked": lab.get("sandbox") == "blocked",
                "renders": lab.get("sandbox") == "ok",
                "sandbox": lab.get("sandbox"),
                "unsafe": lab.get("unsafe"),
                "note": c["note"],
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    ran = sum(1 for lab in labels if lab.get("ran"))
    blocked = sum(1 for lab in labels if lab.get("sandbox") == "blocked")
    print(f"{len(items)} templates, {ran} ran under jinja2.Environment, {blocked} blocked by the sandbox")


if __name__ == "__main__":
    main()
